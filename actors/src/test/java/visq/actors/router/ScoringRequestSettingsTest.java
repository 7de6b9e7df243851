package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;
import visq.gpu.image.ImageLimits;

/** The gRPC edge's per-request limits read from {@code visq.router}. */
class ScoringRequestSettingsTest {

    private static ScoringRequestSettings read(String hocon) {
        return ScoringRequestSettings.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void theDefaultsAreImageLimitsDefaultsAndFortySeconds() {
        ScoringRequestSettings settings = read("");
        assertEquals(ImageLimits.defaults(), settings.imageLimits());
        assertEquals(Duration.ofSeconds(40), settings.requestTimeout());
    }

    @Test
    void readsTheConfiguredLimits() {
        ScoringRequestSettings settings = read(
                "visq.router { max-image-bytes = 1 MiB, max-pixels = 1000000, request-timeout = 5s }");
        assertEquals(new ImageLimits(1024 * 1024, 1_000_000, ImageLimits.defaults().minSide()),
                settings.imageLimits());
        assertEquals(Duration.ofSeconds(5), settings.requestTimeout());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        String message = assertThrows(IllegalArgumentException.class, () -> read("visq.router.max-pixels = 0"))
                .getMessage();
        assertTrue(message.contains("max-pixels"), message);
        message = assertThrows(ConfigException.class, () -> read("visq.router.request-timeout = soon")).getMessage();
        assertTrue(message.contains("visq.router.request-timeout"), message);
    }
}
