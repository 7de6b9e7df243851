package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/** A compact model configured with image statistics reads them through one extra token per image. */
class ImageStatisticsTokenTest {
    private static final CompactModelConfig CONFIG =
            CompactModelConfig.compactDefault().withImageStatistics(ImageStatistics.COUNT);

    private static PolicyPrompt scorePrompt(float statistic) {
        float[] statistics = new float[ImageStatistics.COUNT];
        java.util.Arrays.fill(statistics, 0, ImageStatistics.UNDEFINED_FLAG, statistic);
        return PromptCatalogue.prompt(QualityTask.SCORE, List.of(TestPrompts.image(4).withStatistics(statistics)));
    }

    private static double logProbability(CompactVisionLanguagePolicy model, PolicyPrompt prompt, int[] response) {
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            return model.responseLogProbs(scope, List.of(prompt), List.of(response), 1.0).sum().getFloat();
        }
    }

    @Test
    void theAnswerDependsOnTheStatisticsAndTheirWeightsLearn() {
        try (CompactVisionLanguagePolicy model = CompactVisionLanguagePolicy.create(CONFIG, Device.cpu())) {
            int[] response = model.tokenizer().encode("<answer>\n3.5\n</answer>");
            double low = logProbability(model, scorePrompt(-1f), response);
            double high = logProbability(model, scorePrompt(1f), response);
            assertTrue(Math.abs(low - high) > 1e-5, "log-probability with statistics -1: " + low + ", +1: " + high);

            try (NDManager scope = NDManager.newBaseManager(Device.cpu());
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(model.sequenceNegativeLogLikelihood(scope, List.of(scorePrompt(1f)),
                        List.of(response)));
            }
            List<String> names = model.trainableParameterNames();
            for (String name : List.of("statistics.weight", "statistics.bias", "statistics.position")) {
                try (NDArray gradient = model.trainableParameters().get(names.indexOf(name)).getGradient()) {
                    double norm = gradient.abs().sum().getFloat();
                    assertTrue(norm > 0 && Double.isFinite(norm), name + " gradient L1 norm " + norm);
                }
            }
        }
    }

    @Test
    void imagesWithoutStatisticsAreRefusedByName() {
        try (CompactVisionLanguagePolicy model = CompactVisionLanguagePolicy.create(CONFIG, Device.cpu())) {
            PolicyPrompt plain = PromptCatalogue.prompt(QualityTask.SCORE, List.of(TestPrompts.image(4)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.generate(plain, 1, SamplingSettings.greedy(8), 0));
            assertTrue(e.getMessage().contains("statistics"), e.getMessage());
        }
    }

    @Test
    void weightsRoundTripWithTheStatisticsTensorsAndNotIntoAPixelOnlyModel() {
        try (CompactVisionLanguagePolicy source = CompactVisionLanguagePolicy.create(CONFIG.withInitSeed(5), Device.cpu());
                CompactVisionLanguagePolicy target = CompactVisionLanguagePolicy.create(CONFIG, Device.cpu());
                CompactVisionLanguagePolicy pixelsOnly =
                        CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu())) {
            assertEquals(pixelsOnly.trainableParameterNames().size() + 3, source.trainableParameterNames().size());
            EncodedWeights weights = source.exportWeights(9);
            target.importWeights(weights);
            PolicyPrompt prompt = scorePrompt(0.5f);
            for (int i = 0; i < source.trainableParameters().size(); i++) {
                assertArrayEquals(source.trainableParameters().get(i).toFloatArray(),
                        target.trainableParameters().get(i).toFloatArray(), source.trainableParameterNames().get(i));
            }
            assertArrayEquals(source.generate(prompt, 1, SamplingSettings.greedy(12), 0).get(0).tokenIds(),
                    target.generate(prompt, 1, SamplingSettings.greedy(12), 0).get(0).tokenIds());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pixelsOnly.importWeights(weights));
            assertFalse(e.getMessage().isBlank());
        }
    }
}
