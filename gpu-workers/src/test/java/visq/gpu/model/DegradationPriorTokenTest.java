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
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.Severity;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * {@code degradationPrior = ridge}: the statistics token's inputs gain one value per degradation label,
 * {@code statistics · W + b} of frozen tensors that snapshots carry and training never touches, after the quality
 * prior.
 */
class DegradationPriorTokenTest {
    private static final CompactModelConfig STATISTICS = CompactModelConfig.compactDefault()
            .withImageStatistics(ImageStatistics.COUNT).withQualityPrior(CompactModelConfig.RIDGE_QUALITY_PRIOR);
    private static final CompactModelConfig PRIOR =
            STATISTICS.withDegradationPrior(CompactModelConfig.RIDGE_DEGRADATION_PRIOR);
    private static final int LABELS = CompactDegradationPrior.OUTPUTS.size();
    private static final int[] RESPONSE = CompactTokenizer.instance().encode(
            "<answer>\n{\"distortion_class\": \"blur\", \"severity\": \"moderate\"}\n</answer>");

    private static float[][] weights(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] w = new float[LABELS][ImageStatistics.COUNT];
        for (float[] row : w) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) (random.nextDouble() * 4 - 2);
            }
        }
        return w;
    }

    private static float[] biases(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] b = new float[LABELS];
        for (int o = 0; o < LABELS; o++) {
            b[o] = (float) (random.nextDouble() - 0.5);
        }
        return b;
    }

    private static PolicyPrompt prompt(float[] statistics) {
        return PromptCatalogue.prompt(QualityTask.DEGRADATION,
                List.of(TestPrompts.image(4).withStatistics(statistics)));
    }

    private static double logProbability(CompactVisionLanguagePolicy model, PolicyPrompt prompt) {
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            return model.responseLogProbs(scope, List.of(prompt), List.of(RESPONSE), 1.0).sum().getFloat();
        }
    }

    /** {@code s · w[o] + b[o]} in double, summed in statistics order. */
    private static double[] expectedValues(float[] s, float[][] w, float[] b) {
        double[] values = new double[LABELS];
        for (int o = 0; o < LABELS; o++) {
            values[o] = b[o];
            for (int k = 0; k < s.length; k++) {
                values[o] += (double) s[k] * w[o][k];
            }
        }
        return values;
    }

    @Test
    void theOutputsAreNoneThenEveryClassAtEverySeverityOnce() {
        // 1 + 4 classes x 5 severities, each label once, none first
        assertEquals(1 + DegradationClass.values().length * Severity.values().length, LABELS);
        assertEquals(LABELS, new HashSet<>(CompactDegradationPrior.OUTPUTS).size());
        assertEquals(DegradationLabel.none(), CompactDegradationPrior.OUTPUTS.get(0));
        assertEquals(1 + 2 * 5 + 1, CompactDegradationPrior.indexOf(
                DegradationLabel.of(DegradationClass.BLUR, Severity.MODERATE)));
    }

    @Test
    void thePriorIsFrozenAndItsInputRowsLearn() {
        try (CompactVisionLanguagePolicy withPrior = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy without = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            assertEquals(without.trainableParameterNames(), withPrior.trainableParameterNames());
            // the statistics projection gains one input row (d-model values) per label; the read-outs are frozen
            assertEquals(without.parameterCount() + (long) LABELS * PRIOR.dModel(), withPrior.parameterCount());
            assertEquals(STATISTICS.statisticsInputs() + LABELS, PRIOR.statisticsInputs());
            withPrior.degradationPrior().orElseThrow().set(weights(1), biases(2));
            try (NDManager scope = NDManager.newBaseManager(Device.cpu());
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(withPrior.sequenceNegativeLogLikelihood(scope,
                        List.of(prompt(TestPrompts.statistics(3))), List.of(RESPONSE)));
            }
            List<String> names = withPrior.trainableParameterNames();
            try (NDArray gradient = withPrior.trainableParameters().get(names.indexOf("statistics.weight"))
                    .getGradient()) {
                float rows = gradient.get("{}:", STATISTICS.statisticsInputs()).abs().sum().getFloat();
                assertTrue(rows > 0 && Float.isFinite(rows), "degradation prior rows' gradient L1 " + rows);
            }
        }
    }

    @Test
    void theInputsAreStatisticsTimesWeightsPlusBiases() {
        float[] s = TestPrompts.statistics(4);
        float[][] w = weights(5);
        float[] b = biases(6);
        double[] values = expectedValues(s, w, b);
        float[] constantBiases = new float[LABELS];
        for (int o = 0; o < LABELS; o++) {
            constantBiases[o] = (float) values[o];
        }
        float[] moved = constantBiases.clone();
        moved[7] += 20f;
        // models with the same trainable weights whose read-outs are the constants s·w + b (w = 0) read the same
        // inputs for this image, so they must give the same log-probability; moving one label's value must not
        try (CompactVisionLanguagePolicy linear = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy constant = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy shifted = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu())) {
            linear.degradationPrior().orElseThrow().set(w, b);
            constant.degradationPrior().orElseThrow().set(new float[LABELS][ImageStatistics.COUNT], constantBiases);
            shifted.degradationPrior().orElseThrow().set(new float[LABELS][ImageStatistics.COUNT], moved);
            PolicyPrompt prompt = prompt(s);
            double expected = logProbability(constant, prompt);
            assertEquals(expected, logProbability(linear, prompt), 1e-4);
            assertTrue(Math.abs(expected - logProbability(shifted, prompt)) > 1e-4,
                    "one label's read-out 20 higher must change the answer's log-probability");
            float[] read = linear.degradationPrior().orElseThrow().valuesOf(TestPrompts.image(4).withStatistics(s));
            for (int o = 0; o < LABELS; o++) {
                assertEquals(values[o], read[o], 1e-4 * Math.max(1, Math.abs(values[o])), "label " + o);
            }
        }
    }

    @Test
    void theLabelOfAnImageIsItsLargestReadOut() {
        float[][] w = new float[LABELS][ImageStatistics.COUNT];
        float[] b = new float[LABELS];
        int darkenSerious = CompactDegradationPrior.indexOf(DegradationLabel.of(DegradationClass.DARKEN,
                Severity.SERIOUS));
        w[darkenSerious][0] = 1f; // statistic 0 votes for darken/serious, the bias of "none" is 0.5
        b[0] = 0.5f;
        float[] s = new float[ImageStatistics.COUNT];
        try (CompactVisionLanguagePolicy model = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu())) {
            CompactDegradationPrior prior = model.degradationPrior().orElseThrow();
            prior.set(w, b);
            s[0] = 0.25f;
            assertEquals(DegradationLabel.none(), prior.labelOf(TestPrompts.image(4).withStatistics(s)));
            s[0] = 0.75f;
            assertEquals(CompactDegradationPrior.OUTPUTS.get(darkenSerious),
                    prior.labelOf(TestPrompts.image(4).withStatistics(s)));
        }
    }

    @Test
    void snapshotsCarryThePriorAndAModelWithoutOneRefusesThem() {
        try (CompactVisionLanguagePolicy source = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy target = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy noPrior = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            source.degradationPrior().orElseThrow().set(weights(7), biases(8));
            PolicyPrompt prompt = prompt(TestPrompts.statistics(9));
            assertTrue(Math.abs(logProbability(source, prompt) - logProbability(target, prompt)) > 1e-4);
            EncodedWeights snapshot = source.exportWeights(3);
            target.importWeights(snapshot);
            assertEquals(logProbability(source, prompt), logProbability(target, prompt), 0.0);
            assertEquals(PRIOR, CompactModelConfig.fromJson(PRIOR.toJson()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> noPrior.importWeights(snapshot));
            assertTrue(e.getMessage().contains("\"degradationPrior\": \"ridge\""), e.getMessage());
        }
    }

    @Test
    void badPriorsAreRefusedByName() {
        try (CompactVisionLanguagePolicy withPrior = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu());
                CompactVisionLanguagePolicy without = CompactVisionLanguagePolicy.create(STATISTICS, Device.cpu())) {
            CompactDegradationPrior prior = withPrior.degradationPrior().orElseThrow();
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> prior.set(new float[3][ImageStatistics.COUNT], new float[3]));
            assertTrue(count.getMessage().contains("3 read-outs"), count.getMessage());
            float[][] short1 = new float[LABELS][ImageStatistics.COUNT];
            short1[4] = new float[5];
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                    () -> prior.set(short1, new float[LABELS]));
            assertTrue(length.getMessage().contains("noise/serious") && length.getMessage().contains("5 weights"),
                    length.getMessage());
            assertTrue(without.degradationPrior().isEmpty());
        }
        IllegalArgumentException pixels = assertThrows(IllegalArgumentException.class, () -> CompactModelConfig
                .compactDefault().withDegradationPrior(CompactModelConfig.RIDGE_DEGRADATION_PRIOR));
        assertTrue(pixels.getMessage().contains("image-statistics = on"), pixels.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> STATISTICS.withDegradationPrior("forest"));
        assertTrue(unknown.getMessage().contains("forest"), unknown.getMessage());
        // a configuration without it writes the JSON it always wrote (snapshots of earlier runs stay valid)
        assertFalse(STATISTICS.toJson().contains("degradationPrior"));
    }
}
