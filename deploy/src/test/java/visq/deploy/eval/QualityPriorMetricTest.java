package visq.deploy.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImagePreprocessor;
import visq.gpu.image.ImageStatistics;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;

/** The eval's "quality-prior" row scores each image with the policy's frozen prior, prepared as the policy does. */
class QualityPriorMetricTest {
    private static final CompactModelConfig STATISTICS =
            CompactModelConfig.compactDefault().withImageStatistics(ImageStatistics.COUNT);

    private static BufferedImage image(int shift) {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                int v = (x * 7 + y * 13 + shift * (x % 3)) & 0xFF;
                image.setRGB(x, y, (v << 16) | (v << 8) | (255 - v));
            }
        }
        return image;
    }

    @Test
    void scoresAreThePriorOfThePreparedImage() {
        ImagePreparation preparation = new ImagePreprocessor(STATISTICS.preprocessing());
        CompactModelConfig withPrior = STATISTICS.withQualityPrior(CompactModelConfig.RIDGE_QUALITY_PRIOR);
        try (CompactVisionLanguagePolicy policy = CompactVisionLanguagePolicy.create(withPrior, Device.cpu())) {
            float[] weights = new float[ImageStatistics.COUNT];
            Arrays.fill(weights, 0.1f);
            policy.qualityPrior().orElseThrow().set(weights, 2f);
            QualityPriorMetric metric = new QualityPriorMetric(policy.qualityPrior().orElseThrow(), preparation);
            assertEquals("quality-prior", metric.name());
            assertTrue(metric.higherIsBetter());
            for (int shift : new int[] {0, 40}) {
                float[] statistics = preparation.preprocess(image(shift)).statistics();
                double expected = 2;
                for (float s : statistics) {
                    expected += 0.1 * s;
                }
                assertEquals(expected, metric.score(image(shift)), 1e-4);
            }
        }
    }
}
