package visq.gpu.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MethodPresetTest {

    @Test
    void qInsightHasEveryConstantOfMethodSection3() {
        MethodPreset p = MethodPreset.byName("q-insight");
        assertEquals(8, p.groupSize(), "method.md §3 G = 8");
        assertEquals(new GrpoSettings(0.2, 0.2, 0.001, LossAggregation.SEQUENCE_MEAN, 256, 1), p.grpo(),
                "method.md §3 ε 0.2, β 0.001, sequence mean, 256 tokens");
        assertEquals(new AdamWSettings(0.9, 0.999, 1e-8, 0.0), p.optimizer(), "method.md §3 betas, weight decay 0");
        assertEquals(1e-6, p.learningRate(), "method.md §3 lr 1e-6");
        assertEquals(0, p.warmupSteps(), "method.md §3 no warm-up");
        assertEquals(1.0, p.gradientClipNorm(), "method.md §3 grad-norm clip 1.0");
        assertEquals(new SamplingConstants(1.0, 50, 1.0, 1.0), p.sampling(),
                "method.md §3 temperature 1, top-k 50, top-p 1, no repetition penalty");
        assertEquals(AdvantageScaling.GROUP_STD, p.advantageScaling(), "method.md §3 group std");
    }

    @Test
    void visualQualityR1DiffersInGroupSizeAndBeta() {
        MethodPreset p = MethodPreset.byName("visualquality-r1");
        assertEquals(6, p.groupSize(), "method.md §3 K = 6");
        assertEquals(0.04, p.grpo().beta(), "method.md §3 β = 0.04");
        assertEquals(MethodPreset.qInsight().optimizer(), p.optimizer(), "same optimiser");
    }

    @Test
    void compactUsesItsOwnDocumentedConstants() {
        MethodPreset p = MethodPreset.byName("compact");
        assertEquals(1e-4, p.learningRate(), "MethodPreset javadoc: compact lr");
        assertTrue(p.warmupSteps() > 0, "compact warms up");
        assertEquals(1e-4 / 20 * 10, p.schedule(100).at(10), 1e-15, "half-way through a 20-update warm-up");
    }

    @Test
    void rolloutSamplingCarriesThePresetConstants() {
        assertEquals(visq.gpu.generation.SamplingSettings.sampling(1.0, 50, 1.0, 96),
                MethodPreset.compact().sampling().forRollouts(96));
    }

    @Test
    void withersReplaceOneConstantEach() {
        MethodPreset p = MethodPreset.qInsight().withGroupSize(6).withAdvantageScaling(AdvantageScaling.NONE)
                .withSampling(new SamplingConstants(0.7, 20, 0.9, 1.0));
        assertEquals(6, p.groupSize());
        assertEquals(AdvantageScaling.NONE, p.advantageScaling());
        assertEquals(new SamplingConstants(0.7, 20, 0.9, 1.0), p.sampling());
        assertEquals(MethodPreset.qInsight(), p.withGroupSize(8).withAdvantageScaling(AdvantageScaling.GROUP_STD)
                .withSampling(SamplingConstants.papers()));
    }

    @Test
    void unknownNamesAreRejectedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodPreset.byName("grpo"));
        assertTrue(e.getMessage().contains("q-insight") && e.getMessage().contains("compact"), e.getMessage());
    }
}
