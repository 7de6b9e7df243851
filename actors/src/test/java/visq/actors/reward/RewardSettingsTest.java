package visq.actors.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import visq.gpu.rewards.DegradationReward;
import visq.gpu.rewards.FidelitySettings;
import visq.gpu.rewards.FidelityVariant;
import visq.gpu.rewards.ResponseGroup;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.rewards.ScoreThresholdReward;
import visq.gpu.rewards.TaskRewardRegistry;
import visq.gpu.rewards.UnparsableScoreHandling;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;
import visq.gpu.image.Severity;

class RewardSettingsTest {

    private static final String BLUR_SERIOUS =
            "<think>\nsoft edges\n</think>\n<answer>\n{\"distortion_class\": \"blur\", \"severity\": \"serious\"}\n</answer>";

    private static RewardSettings read(String overrides) {
        Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
        return RewardSettings.fromConfig(config);
    }

    private static String rating(double value) {
        return "<think>\nlooks fine\n</think>\n<answer>\n{\"rating\": " + value + "}\n</answer>";
    }

    private static ResponseReward rewardOf(RewardSettings settings, QualityTask task, SampleTruth truth,
            String response) {
        return settings.registry().forTask(task).rewards(List.of(new ResponseGroup("s/1", truth, List.of(response))))
                .get(0).get(0);
    }

    @Test
    void theDefaultsAreThePapersConstants() {
        // the constants the rewards were wired with before visq.rewards existed
        RewardSettings defaults = read("");
        assertEquals(ScoreThresholdReward.DEFAULT_EPSILON, defaults.scoreThreshold(), "ε = 0.35");
        assertEquals(DegradationReward.DEFAULT_CLASS_WEIGHT, defaults.degradationClassWeight(), "α1 = 0.25");
        assertEquals(DegradationReward.DEFAULT_SEVERITY_WEIGHT, defaults.degradationSeverityWeight(), "α2 = 0.75");
        assertEquals(FidelitySettings.defaults(), defaults.fidelity(), "Thurstone, γ = 1e-6, fixed penalty");
    }

    @Test
    void everyKeyCanBeOverridden() {
        RewardSettings set = read("""
                visq.rewards { score-threshold = 0.5, degradation { class-weight = 0.4, severity-weight = 0.6 }
                  fidelity { variant = BINARY, gamma = 1e-4, unparsable = RANDOM_SCORE, random-score-low = 0,
                    random-score-high = 10, random-score-seed = 42 } }""");
        assertEquals(0.5, set.scoreThreshold());
        assertEquals(0.4, set.degradationClassWeight());
        assertEquals(0.6, set.degradationSeverityWeight());
        assertEquals(new FidelitySettings(UnparsableScoreHandling.RANDOM_SCORE, FidelityVariant.BINARY, 1e-4, 0, 10,
                42), set.fidelity());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "score-threshold | 0",
        "score-threshold | -0.35",
        "score-threshold | \"wide\"",
        "degradation.class-weight | -0.25",
        "degradation.severity-weight | -1",
        "fidelity.variant | \"SPEARMAN\"",
        "fidelity.gamma | 0",
        "fidelity.unparsable | \"IGNORE\"",
        "fidelity.random-score-low | \"one\"",
        "fidelity.random-score-high | 1.0",
        "fidelity.random-score-seed | \"seed\"",
    })
    void aBadValueIsRefusedNamingItsKey(String key, String value) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> read("visq.rewards." + key + " = " + value));
        assertTrue(refused.getMessage().contains("visq.rewards." + key), refused.getMessage());
    }

    @Test
    void everyTrainedTaskHasItsRewardAndTheZeroShotTaskNone() {
        TaskRewardRegistry registry = read("").registry();
        for (QualityTask task : QualityTask.values()) {
            if (task == QualityTask.COMPARISON) {
                IllegalArgumentException none =
                        assertThrows(IllegalArgumentException.class, () -> registry.forTask(task));
                assertTrue(none.getMessage().contains("task comparison has no reward"), none.getMessage());
            } else {
                assertEquals(task, registry.forTask(task).task(), "the reward registered for " + task.id());
            }
        }
    }

    @Test
    void aConfiguredThresholdChangesTheScoreReward() {
        // |3.4 − 3.0| = 0.4: outside the default ε = 0.35, inside ε = 0.5 (method.md §2: 1 if |pred − gt| < ε)
        SampleTruth mos3 = new SampleTruth("clive", 3.0, Optional.empty());
        assertEquals(0.0, rewardOf(read(""), QualityTask.SCORE, mos3, rating(3.4)).task(), "default ε = 0.35");
        assertEquals(1.0, rewardOf(read("visq.rewards.score-threshold = 0.5"), QualityTask.SCORE, mos3, rating(3.4))
                .task(), "ε = 0.5");
    }

    @Test
    void configuredWeightsChangeTheDegradationReward() {
        // the right class with the wrong severity earns α1 alone (method.md §2)
        SampleTruth blurModerate = new SampleTruth("kodak", 3.0,
                Optional.of(DegradationLabel.of(DegradationClass.BLUR, Severity.MODERATE)));
        assertEquals(0.25, rewardOf(read(""), QualityTask.DEGRADATION, blurModerate, BLUR_SERIOUS).task(), "α1");
        assertEquals(0.5, rewardOf(read("visq.rewards.degradation.class-weight = 0.5"), QualityTask.DEGRADATION,
                blurModerate, BLUR_SERIOUS).task(), "α1 = 0.5");
    }
}
