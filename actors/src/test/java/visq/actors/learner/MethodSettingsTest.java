package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;
import visq.gpu.training.AdvantageScaling;
import visq.gpu.training.LossAggregation;
import visq.gpu.training.MethodPreset;
import visq.gpu.training.SamplingConstants;

/** The preset drives G, advantage scaling and sampling; a setting overrides it and says so. */
class MethodSettingsTest {

    private static MethodSettings read(String hocon) {
        return MethodSettings.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void theEmbeddedDefaultIsTheCompactPresetWithTheValuesItHasAlwaysTrainedWith() {
        MethodSettings method = read("");
        assertEquals(MethodPreset.compact(), method.preset());
        assertEquals(List.of(), method.overrides());
        // the values reference.conf set explicitly before the preset drove them: G 6, GROUP_STD, 1.0 / 50 / 1.0
        assertEquals(6, method.preset().groupSize());
        assertEquals(AdvantageScaling.GROUP_STD, method.preset().advantageScaling());
        assertEquals(new SamplingConstants(1.0, 50, 1.0, 1.0), method.preset().sampling());
        assertEquals(0.04, method.preset().grpo().beta());
    }

    @Test
    void aPresetDrivesGroupSizeWhenNothingOverridesIt() {
        MethodSettings qInsight = read("visq.learner.preset = q-insight");
        assertEquals(MethodPreset.qInsight(), qInsight.preset());
        assertEquals(8, qInsight.preset().groupSize());
        assertEquals(List.of(), qInsight.overrides());
        assertEquals(6, read("visq.learner.preset = visualquality-r1").preset().groupSize());
    }

    @Test
    void eachSettingOverridesThePresetAndIsReported() {
        MethodSettings method = read("visq.learner.preset = q-insight\nvisq.training.group-size = 6\n"
                + "visq.learner.advantage-scaling = NONE\n"
                + "visq.training.sampling { temperature = 0.7, top-k = 20, top-p = 0.9 }");
        MethodPreset preset = method.preset();
        assertEquals(6, preset.groupSize());
        assertEquals(AdvantageScaling.NONE, preset.advantageScaling());
        assertEquals(new SamplingConstants(0.7, 20, 0.9, 1.0), preset.sampling());
        assertEquals(MethodPreset.qInsight().grpo(), preset.grpo(), "what no setting overrides stays the preset's");
        assertEquals(MethodPreset.qInsight().learningRate(), preset.learningRate());
        assertEquals(List.of(
                "visq.training.group-size = 6 overrides preset q-insight's G = 8",
                "visq.learner.advantage-scaling = NONE overrides preset q-insight's advantage scaling = GROUP_STD",
                "visq.training.sampling.temperature = 0.7 overrides preset q-insight's temperature = 1.0",
                "visq.training.sampling.top-k = 20 overrides preset q-insight's top-k = 50",
                "visq.training.sampling.top-p = 0.9 overrides preset q-insight's top-p = 1.0"), method.overrides());
    }

    @Test
    void learningRateAndBetaOverrideThePresetToo() {
        MethodSettings method = read("visq.learner.preset = q-insight\nvisq.learner.grpo-learning-rate = 1e-4\n"
                + "visq.learner.grpo-beta = 0.01");
        assertEquals(MethodPreset.qInsight().withLearningRate(1e-4).withBeta(0.01), method.preset());
        assertEquals(List.of(
                "visq.learner.grpo-learning-rate = 1.0E-4 overrides preset q-insight's GRPO learning rate = 1.0E-6",
                "visq.learner.grpo-beta = 0.01 overrides preset q-insight's β = 0.001"), method.overrides());
    }

    @Test
    void lossAggregationOverridesThePreset() {
        MethodSettings method = read("visq.learner.loss-aggregation = TOKEN_MEAN");
        assertEquals(LossAggregation.TOKEN_MEAN, method.preset().grpo().aggregation());
        assertEquals(MethodPreset.compact().grpo().withAggregation(LossAggregation.TOKEN_MEAN),
                method.preset().grpo());
        assertEquals(List.of("visq.learner.loss-aggregation = TOKEN_MEAN overrides preset compact's loss aggregation"
                + " = SEQUENCE_MEAN"), method.overrides());
        assertEquals(LossAggregation.SEQUENCE_MEAN, read("").preset().grpo().aggregation());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        assertNamesKey("visq.training.group-size", IllegalArgumentException.class, "visq.training.group-size = 1");
        assertNamesKey("visq.training.group-size", ConfigException.class, "visq.training.group-size = many");
        assertNamesKey("visq.learner.advantage-scaling", ConfigException.class,
                "visq.learner.advantage-scaling = SOMETIMES");
        assertNamesKey("visq.training.sampling.temperature", IllegalArgumentException.class,
                "visq.training.sampling.temperature = 0");
        assertNamesKey("visq.training.sampling.top-k", IllegalArgumentException.class,
                "visq.training.sampling.top-k = -1");
        assertNamesKey("visq.training.sampling.top-p", IllegalArgumentException.class,
                "visq.training.sampling.top-p = 1.5");
        assertNamesKey("visq.learner.grpo-learning-rate", IllegalArgumentException.class,
                "visq.learner.grpo-learning-rate = 0");
        assertNamesKey("visq.learner.grpo-beta", IllegalArgumentException.class, "visq.learner.grpo-beta = -0.1");
        assertNamesKey("visq.learner.preset", IllegalArgumentException.class, "visq.learner.preset = grpo");
        assertNamesKey("visq.learner.loss-aggregation", ConfigException.class,
                "visq.learner.loss-aggregation = TOKEN_SUM");
    }

    private static void assertNamesKey(String key, Class<? extends RuntimeException> type, String hocon) {
        RuntimeException e = assertThrows(type, () -> read(hocon));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
