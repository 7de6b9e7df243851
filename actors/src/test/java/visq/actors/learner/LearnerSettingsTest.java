package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import visq.gpu.training.MethodPreset;

class LearnerSettingsTest {

    private static LearnerSettings read(String overrides) {
        Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
        return LearnerSettings.fromConfig(config);
    }

    @Test
    void thePresetIsUsedAsNamedUnlessRateOrBetaAreSet() {
        // expected: MethodPreset.compact() itself (lr 1e-4, beta 0.04), then the two values set in the config
        assertEquals(MethodPreset.compact(), read("").methodPreset());
        MethodPreset tuned = read("visq.learner.grpo-learning-rate = 3e-5\nvisq.learner.grpo-beta = 0.01")
                .methodPreset();
        assertEquals(3e-5, tuned.learningRate());
        assertEquals(0.01, tuned.grpo().beta());
        assertEquals(MethodPreset.compact().withLearningRate(3e-5).withBeta(0.01), tuned);
        assertEquals(MethodPreset.qInsight().learningRate(),
                read("visq.learner.preset = \"q-insight\"").methodPreset().learningRate());
    }
}
