package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import visq.gpu.image.DegradationEstimates;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.features.MobileNetImagePreparation;
import visq.gpu.image.raster.IntRgbImages;

class CompactModelConfigTest {

    @Test
    void jsonRoundTrips() {
        CompactModelConfig config = CompactModelConfig.compactDefault();
        assertEquals(config, CompactModelConfig.fromJson(config.toJson()));
        CompactModelConfig odd = new CompactModelConfig("x \"quoted\" \\ id", 16, 4, 32, 1, 2, 64, 300, -5L);
        assertEquals(odd, CompactModelConfig.fromJson(odd.toJson()));
        // a seed beyond 2^53 would be rounded by a reader that keeps numbers as doubles
        CompactModelConfig bigSeed = config.withInitSeed(Long.MAX_VALUE - 1);
        assertEquals(bigSeed, CompactModelConfig.fromJson(bigSeed.toJson()));
        CompactModelConfig withStatistics = config.withImageStatistics(37);
        assertEquals(withStatistics, CompactModelConfig.fromJson(withStatistics.toJson()));
        assertEquals(config.patchesPerImage() + 1, withStatistics.tokensPerImage());
        assertTrue(withStatistics.preprocessing().statistics());
    }

    @Test
    void compactDefaultHasThirtyTwoImageTokens() {
        CompactModelConfig config = CompactModelConfig.compactDefault();
        assertEquals(32, config.patchesPerImage());
        assertEquals(576, config.patchValues()); // 3 maps (RGB, detail, gradient) x 3 channels x 8 x 8
        assertEquals(64, config.imageWidth());
    }

    @Test
    void readsMembersInAnyOrderAndNamesWhatIsMissing() {
        String json = "{ \"initSeed\": 3, \"maxSequence\": 128, \"ffDim\": 64, \"heads\": 2, \"layers\": 1,"
                + " \"dModel\": 16, \"patchSize\": 8, \"viewSize\": 32, \"modelId\": \"m\", \"extra\": \"ignored\" }";
        // written before imageStatistics existed: such a model used none
        assertEquals(new CompactModelConfig("m", 32, 8, 16, 1, 2, 64, 128, 3, 0), CompactModelConfig.fromJson(json));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompactModelConfig.fromJson("{\"modelId\": \"m\"}"));
        assertTrue(e.getMessage().contains("viewSize"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CompactModelConfig.fromJson("{\"modelId\": "));
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> CompactModelConfig.fromJson(json.replace("\"layers\": 1", "\"layers\": 1.5")));
        assertTrue(fraction.getMessage().contains("layers"), fraction.getMessage());
    }

    @Test
    void rejectsInconsistentShapes() {
        assertThrows(IllegalArgumentException.class, () -> new CompactModelConfig("m", 32, 7, 64, 2, 4, 256, 512, 1));
        assertThrows(IllegalArgumentException.class, () -> new CompactModelConfig("m", 32, 8, 64, 2, 5, 256, 512, 1));
        assertThrows(IllegalArgumentException.class, () -> new CompactModelConfig("m", 32, 8, 64, 0, 4, 256, 512, 1));
    }

    /**
     * The degradation estimates as image features: counted in the statistics token, appended after the statistics
     * (the expected values are {@link DegradationEstimates#of} and the plain statistics preparation of the same
     * image), round-tripped through JSON; an unknown feature set is refused naming the known ones.
     */
    @Test
    void degradationEstimatesFollowTheStatistics() {
        CompactModelConfig base = CompactModelConfig.compactDefault();
        CompactModelConfig estimates = base.withImageFeatures(CompactModelConfig.ESTIMATES_FEATURES,
                ImageStatistics.COUNT);
        assertEquals(ImageStatistics.COUNT + DegradationEstimates.COUNT, estimates.imageStatistics());
        assertEquals(estimates, CompactModelConfig.fromJson(estimates.toJson()));
        assertEquals(MobileNetImagePreparation.DEFAULT_FEATURE_COUNT + DegradationEstimates.COUNT,
                CompactModelConfig.imageFeatureCount(CompactModelConfig.MOBILENET_AND_ESTIMATES_FEATURES));
        BufferedImage image = IntRgbImages.create(80, 60);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 80; x++) {
                image.setRGB(x, y, (x * 3 << 16) | (y * 4 << 8) | ((x + y) % 256));
            }
        }
        float[] prepared = estimates.imagePreparation().preprocess(image).statistics();
        float[] statistics = base.withImageStatistics(ImageStatistics.COUNT).imagePreparation().preprocess(image)
                .statistics();
        float[] expected = new float[statistics.length + DegradationEstimates.COUNT];
        System.arraycopy(statistics, 0, expected, 0, statistics.length);
        System.arraycopy(DegradationEstimates.of(image), 0, expected, statistics.length, DegradationEstimates.COUNT);
        assertArrayEquals(expected, prepared);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> base.withImageFeatures("estimates-and-mobilenet", ImageStatistics.COUNT));
        assertTrue(unknown.getMessage().contains("mobilenet-and-estimates"), unknown.getMessage());
    }
}
