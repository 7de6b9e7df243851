package visq.actors.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/**
 * A weight chunk larger than the Artery frame that carries it would be dropped by Artery and the push would never
 * complete: the publisher's settings refuse such a configuration, naming the keys.
 */
class WeightPublisherSettingsTest {

    private static Config config(String text) {
        return ConfigFactory.parseString(text).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void theReferenceChunksFitAkkasOrdinaryFrame() {
        // akka's own reference: maximum-frame-size 256 KiB and no large-message destinations
        assertEquals(192 * 1024, WeightPublisher.Settings.fromConfig(config("")).chunkBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightPublisher.Settings.fromConfig(config("visq.weights.chunk-size = 256 KiB")));
        assertTrue(e.getMessage().contains("akka.remote.artery.advanced.maximum-frame-size = 262144")
                && e.getMessage().contains("large-message-destinations"), e.getMessage());
    }

    @Test
    void largeChunksNeedTheInboxesOnTheLargeMessageStream() {
        String large = "visq.weights.chunk-size = 3 MiB\n"
                + "akka.remote.artery.advanced.maximum-frame-size = 512 KiB\n";
        IllegalArgumentException ordinary = assertThrows(IllegalArgumentException.class,
                () -> WeightPublisher.Settings.fromConfig(config(large)));
        assertTrue(ordinary.getMessage().contains("3145728 bytes"), ordinary.getMessage());
        String routed = large + "akka.remote.artery.large-message-destinations = [\"/user/*/weight-inbox\"]\n";
        IllegalArgumentException smallLargeFrame = assertThrows(IllegalArgumentException.class,
                () -> WeightPublisher.Settings.fromConfig(config(routed
                        + "akka.remote.artery.advanced.maximum-large-frame-size = 2 MiB")));
        assertTrue(smallLargeFrame.getMessage().contains("maximum-large-frame-size"), smallLargeFrame.getMessage());
        assertEquals(3 << 20, WeightPublisher.Settings.fromConfig(config(routed
                + "akka.remote.artery.advanced.maximum-large-frame-size = 4 MiB")).chunkBytes());
    }

    @Test
    void destinationPatternsMatchAsArteryMatchesThem() {
        String inbox = WeightPublisher.Settings.INBOX_PATH;
        assertTrue(WeightPublisher.Settings.matches("/user/*/weight-inbox", inbox));
        assertTrue(WeightPublisher.Settings.matches("/user/rollout-worker-*/weight-inbox", inbox));
        assertTrue(WeightPublisher.Settings.matches("/user/**", inbox));
        assertFalse(WeightPublisher.Settings.matches("/user/*", inbox));
        assertFalse(WeightPublisher.Settings.matches("/user/router/weight-inbox", inbox));
        assertFalse(WeightPublisher.Settings.matches("/user/*/weight-inbox/*", inbox));
    }
}
