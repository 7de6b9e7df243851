package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;
import visq.gpu.generation.SamplingSettings;

/** {@code visq.router.max-new-tokens} and {@code visq.router.sampling} read into {@link ServingSampling}. */
class ServingSamplingTest {

    private static ServingSampling read(String hocon) {
        return ServingSampling.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void theDefaultIsGreedyAndKeepsTopKAndTopPForEvaluationSamples() {
        ServingSampling serving = read("");
        assertEquals(new ServingSampling(96, 0, 50, 1.0, true), serving);
        assertEquals(SamplingSettings.greedy(96).withConstrainedAnswers(true), serving.sampling());
        assertEquals(SamplingSettings.sampling(0.5, 50, 1.0, 96).withConstrainedAnswers(true),
                serving.sampledAt(0.5));
        assertEquals(SamplingSettings.greedy(96), read("visq.router.sampling.constrained-answers = off").sampling());
    }

    @Test
    void aTemperatureAboveZeroSamples() {
        assertEquals(SamplingSettings.sampling(0.7, 20, 0.9, 64),
                read("visq.router { max-new-tokens = 64, sampling { temperature = 0.7, top-k = 20, top-p = 0.9, "
                        + "constrained-answers = off } }").sampling());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> read("visq.router.sampling.temperature = -1")).getMessage();
        assertTrue(message.contains("visq.router.sampling.temperature"), message);
        message = assertThrows(IllegalArgumentException.class, () -> read("visq.router.max-new-tokens = 0"))
                .getMessage();
        assertTrue(message.contains("visq.router.max-new-tokens"), message);
        message = assertThrows(com.typesafe.config.ConfigException.class,
                () -> read("visq.router.sampling.top-k = many")).getMessage();
        assertTrue(message.contains("visq.router.sampling.top-k"), message);
    }
}
