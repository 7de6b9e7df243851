package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        for (String[] bad : new String[][] {{"visq.learner.checkpoint-every", "often"},
                {"visq.learner.checkpoint-failure", "IGNORE"}, {"visq.learner.resume", "perhaps"},
                {"visq.learner.advantage-scaling", "SOMETIMES"}, {"visq.learner.grpo-beta", "-1"}}) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> read(bad[0] + " = " + bad[1]));
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }
}
