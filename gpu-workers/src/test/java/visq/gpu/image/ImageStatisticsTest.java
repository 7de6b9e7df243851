package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import visq.gpu.image.raster.IntRgbImages;

class ImageStatisticsTest {

    @Test
    void aPhotographHasFiniteDefinedStatistics() throws Exception {
        BufferedImage photo = ImageDecoder.decode(SharedData.file("clive/images/1001.JPG"), ImageLimits.defaults());
        float[] statistics = ImageStatistics.of(photo);
        assertEquals(ImageStatistics.COUNT, statistics.length);
        assertEquals(0f, statistics[ImageStatistics.UNDEFINED_FLAG]);
        for (float value : statistics) {
            assertTrue(Float.isFinite(value));
        }
    }

    @Test
    void largeImagesUseTheirCentreCropOfMaxSide() {
        BufferedImage large = TestImages.pattern(700, 600);
        BufferedImage centre = large.getSubimage((700 - 512) / 2, (600 - 512) / 2, 512, 512);
        assertArrayEquals(ImageStatistics.of(IntRgbImages.copyOf(centre)), ImageStatistics.of(large));
    }

    @Test
    void uniformAndTinyImagesAreFlaggedUndefined() {
        float[] expected = new float[ImageStatistics.COUNT];
        expected[ImageStatistics.UNDEFINED_FLAG] = 1f;
        BufferedImage grey = IntRgbImages.create(64, 64);
        java.util.Arrays.fill(IntRgbImages.pixels(grey), 0x808080);
        assertArrayEquals(expected, ImageStatistics.of(grey));
        assertArrayEquals(expected, ImageStatistics.of(TestImages.pattern(12, 40)));
    }

    /**
     * The standardisation constants claim to be the mean and standard deviation of each feature over the CLIVE
     * training split: over 60 CLIVE images (any of them), each standardised feature must average near 0 and spread
     * near 1 (bounds wide enough for a 60-image sample, far tighter than unstandardised features, whose standard
     * deviations range from 0.03 to 0.6).
     */
    @Test
    void standardisedFeaturesOfClivePhotographsAreOfOrderOne() throws Exception {
        List<Path> images;
        try (Stream<Path> files = Files.list(SharedData.file("clive/images"))) {
            images = files.sorted().limit(60).toList();
        }
        double[] sum = new double[ImageStatistics.COUNT];
        double[] squares = new double[ImageStatistics.COUNT];
        for (Path path : images) {
            float[] statistics = ImageStatistics.of(ImageDecoder.decode(path, ImageLimits.defaults()));
            for (int i = 0; i < statistics.length; i++) {
                sum[i] += statistics[i];
                squares[i] += statistics[i] * statistics[i];
            }
        }
        for (int i = 0; i < ImageStatistics.UNDEFINED_FLAG; i++) {
            double mean = sum[i] / images.size();
            double sd = Math.sqrt(squares[i] / images.size() - mean * mean);
            assertTrue(Math.abs(mean) < 0.6, "feature " + i + " mean " + mean);
            assertTrue(sd > 0.4 && sd < 2.0, "feature " + i + " standard deviation " + sd);
        }
    }

    @Test
    void noiseChangesTheStatistics() throws Exception {
        BufferedImage photo = ImageDecoder.decode(SharedData.file("kodak/kodim05.png"), ImageLimits.defaults());
        BufferedImage noisy = IntRgbImages.copyOf(photo);
        int[] rgb = IntRgbImages.pixels(noisy);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < rgb.length; i++) {
            int grey = (int) Math.round(random.nextGaussian() * 15);
            int r = clamp(((rgb[i] >> 16) & 0xFF) + grey);
            int g = clamp(((rgb[i] >> 8) & 0xFF) + grey);
            int b = clamp((rgb[i] & 0xFF) + grey);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        float[] clean = ImageStatistics.of(photo);
        float[] degraded = ImageStatistics.of(noisy);
        // MSCN coefficients of white Gaussian noise are Gaussian (GGD shape 2): noise pulls the shape (feature 0)
        // up towards 2 from a photograph's heavier-tailed value
        assertTrue(degraded[0] > clean[0] + 0.5, "GGD shape, standardised: clean " + clean[0] + ", noisy " + degraded[0]);
    }

    @Test
    void tensorsRefuseNonFiniteStatistics() {
        ImageTensor views = ImageTensor.of(2, 4, new byte[24]);
        assertThrows(IllegalArgumentException.class, () -> views.withStatistics(new float[] {1f, Float.NaN}));
        ImageTensor described = views.withStatistics(new float[] {1f, 2f});
        assertEquals(2, described.statisticsCount());
        assertTrue(!described.equals(views) && described.equals(views.withStatistics(new float[] {1f, 2f})));
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
