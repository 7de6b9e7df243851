package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import visq.gpu.generation.SamplingSettings;

/** Serving decodes greedily unless {@code visq.router.sampling.temperature} asks for sampling, answers constrained. */
class InferenceRouterSettingsTest {

    @Test
    void servingIsGreedyByDefault() {
        InferenceRouter.Settings settings = InferenceRouter.Settings.fromConfig(ConfigFactory.load());
        assertTrue(settings.sampling().greedy());
        assertEquals(SamplingSettings.greedy(settings.maxNewTokens()).withConstrainedAnswers(true), settings.sampling(),
                "answers constrained by default");
    }

    @Test
    void aTemperatureAboveZeroSamplesWithTopKAndTopP() {
        InferenceRouter.Settings settings = InferenceRouter.Settings.fromConfig(ConfigFactory.parseString(
                "visq.router.sampling { temperature = 0.7, top-k = 20, top-p = 0.9 }\nvisq.router.max-new-tokens = 64")
                .withFallback(ConfigFactory.load()));
        assertFalse(settings.sampling().greedy());
        assertEquals(SamplingSettings.sampling(0.7, 20, 0.9, 64).withConstrainedAnswers(true), settings.sampling());
    }
}
