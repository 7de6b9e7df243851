package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import visq.gpu.image.ImageStatistics;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * {@code qualityPrior = ridge}: the statistics token's inputs gain one value, {@code statistics · w + b} of frozen
 * tensors that snapshots carry and training never touches.
 */
class QualityPriorTokenTest {
    private static final CompactModelConfig STATISTICS =
            CompactModelConfig.compactDefault().withImageStatistics(ImageStatistics.COUNT);
    private static final CompactModelConfig PRIOR = STATISTICS.withQualityPrior(CompactModelConfig.RIDGE_QUALITY_PRIOR);
    private static final int[] RESPONSE = CompactTokenizer.instance().encode("<answer>\n3.5\n</answer>");

    private static PolicyPrompt prompt(float[] statistics) {
        return PromptCatalogue.prompt(QualityTask.SCORE, List.of(TestPrompts.image(4).withStatistics(statistics)));
    }

    private static double logProbability(CompactVisionLanguagePolicy model, PolicyPrompt prompt) {
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            return model.responseLogProbs(scope, List.of(prompt), List.of(RESPONSE), 1.0).sum().getFloat();
        }
    }

    private static float[] priorWeights(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[ImageStatistics.COUNT];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return w;
    }

    @Test
    void thePriorIsFrozenAndNotCountedAsTrainable() {
        try (CompactVisionLanguagePolicy withPrior = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy without = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            assertEquals(without.trainableParameterNames(), withPrior.trainableParameterNames());
            // the statistics projection has one more input row (d-model 64 values); the prior's 38 values are frozen
            assertEquals(without.parameterCount() + PRIOR.dModel(), withPrior.parameterCount());
            withPrior.qualityPrior().orElseThrow().set(priorWeights(1), 0.25f);
            PolicyPrompt prompt = prompt(TestPrompts.statistics(2));
            try (NDManager scope = NDManager.newBaseManager(Device.cpu());
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(withPrior.sequenceNegativeLogLikelihood(scope, List.of(prompt), List.of(RESPONSE)));
            }
            List<String> names = withPrior.trainableParameterNames();
            try (NDArray gradient = withPrior.trainableParameters().get(names.indexOf("statistics.weight"))
                    .getGradient()) {
                // the prior's input row of the projection learns like the other rows
                float lastRow = gradient.get(PRIOR.imageStatistics()).abs().sum().getFloat();
                assertTrue(lastRow > 0 && Float.isFinite(lastRow), "prior row gradient L1 " + lastRow);
            }
        }
    }

    @Test
    void thePriorAddsStatisticsDotWeightsPlusBiasAsOneInput() {
        float[] s = TestPrompts.statistics(3);
        float[] w = priorWeights(4);
        float bias = -0.75f;
        double value = bias;
        for (int k = 0; k < s.length; k++) {
            value += (double) s[k] * w[k];
        }
        // a second model with the same trainable weights whose prior is the constant value (w = 0, b = s·w + b)
        // reads the same input for this image, so it must give the same log-probability
        try (CompactVisionLanguagePolicy linear = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy constant = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy shifted = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu())) {
            linear.qualityPrior().orElseThrow().set(w, bias);
            constant.qualityPrior().orElseThrow().set(new float[s.length], (float) value);
            shifted.qualityPrior().orElseThrow().set(new float[s.length], (float) value + 20f);
            PolicyPrompt prompt = prompt(s);
            double expected = logProbability(constant, prompt);
            assertEquals(expected, logProbability(linear, prompt), 1e-4);
            assertTrue(Math.abs(expected - logProbability(shifted, prompt)) > 1e-4,
                    "a prior 20 higher must change the answer's log-probability");
        }
    }

    @Test
    void thePriorOfAnImageIsItsStatisticsDotWeightsPlusBias() {
        float[] s = TestPrompts.statistics(7);
        float[] w = priorWeights(8);
        double expected = 0.5;
        for (int k = 0; k < s.length; k++) {
            expected += (double) s[k] * w[k];
        }
        try (CompactVisionLanguagePolicy withPrior = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy without = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            withPrior.qualityPrior().orElseThrow().set(w, 0.5f);
            assertEquals(expected, withPrior.qualityPrior().orElseThrow().valueOf(TestPrompts.image(4).withStatistics(s)),
                    1e-5);
            assertTrue(without.qualityPrior().isEmpty());
        }
    }

    @Test
    void snapshotsCarryThePriorAndAModelWithoutOneRefusesThem() {
        try (CompactVisionLanguagePolicy source = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy target = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy noPrior = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            source.qualityPrior().orElseThrow().set(priorWeights(5), 1.5f);
            PolicyPrompt prompt = prompt(TestPrompts.statistics(6));
            assertTrue(Math.abs(logProbability(source, prompt) - logProbability(target, prompt)) > 1e-4);
            EncodedWeights weights = source.exportWeights(3);
            target.importWeights(weights);
            assertEquals(logProbability(source, prompt), logProbability(target, prompt), 0.0);
            assertEquals(PRIOR, CompactModelConfig.fromJson(PRIOR.toJson()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> noPrior.importWeights(weights));
            // the refusal names both configurations, so a user sees the setting that differs
            assertTrue(e.getMessage().contains("\"qualityPrior\": \"ridge\"") && e.getMessage().contains("visq.model"),
                    e.getMessage());
        }
    }

    @Test
    void badPriorsAreRefusedByName() {
        try (CompactVisionLanguagePolicy withPrior = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy without = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                    () -> withPrior.qualityPrior().orElseThrow().set(new float[3], 0f));
            assertTrue(length.getMessage().contains("3 weights"), length.getMessage());
            assertTrue(without.qualityPrior().isEmpty());
        }
        IllegalArgumentException pixels = assertThrows(IllegalArgumentException.class,
                () -> CompactModelConfig.compactDefault().withQualityPrior(CompactModelConfig.RIDGE_QUALITY_PRIOR));
        assertTrue(pixels.getMessage().contains("image-statistics = on"), pixels.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> STATISTICS.withQualityPrior("lasso"));
        assertTrue(unknown.getMessage().contains("lasso"), unknown.getMessage());
        // a configuration without a prior writes the JSON it always wrote (snapshots of earlier runs stay valid)
        assertFalse(STATISTICS.toJson().contains("qualityPrior"));
    }
}
