package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.image.raster.IntRgbImages;

/**
 * The degradation estimates on images whose values are known in closed form (worked out in each comment), and on a
 * CLIVE photo against the independent numpy port in {@code tools/degradation-estimates/centre_scale.py}.
 */
class DegradationEstimatesTest {

    /** {@code python3 tools/degradation-estimates/centre_scale.py ../shared/data/clive/images/100.png}. */
    private static final double[] CLIVE_100_NUMPY = {
        0.06638823529411764, 0.07866666666666666, 0.11524313725490194, 0.17051764705882352, 0.2550117647058823,
        0.4079023529411763, 0.48302745098039207, 0.7167180705882429, 0.1974050341490196, 0.10592751450466531,
        0.6375919436219216, 0.38469534662178756, 1.720137333345317, -2.8230025324461345, -0.025779935520559447,
        0.004211518946941038,
    };

    @Test
    void aPhotosEstimatesEqualTheNumpyPort() throws java.io.IOException {
        BufferedImage photo = javax.imageio.ImageIO.read(SharedData.file("clive/images/100.png").toFile());
        double[] raw = DegradationEstimates.raw(photo);
        for (int i = 0; i < DegradationEstimates.COUNT; i++) {
            assertEquals(CLIVE_100_NUMPY[i], raw[i], 1e-9, "estimate " + i);
        }
        // standardised by the CLIVE training split's centre and scale: a training photo lies within a few units
        for (float standardised : DegradationEstimates.of(photo)) {
            assertTrue(Math.abs(standardised) < 4, "standardised " + standardised);
        }
    }

    private static BufferedImage grey(int width, int height, java.util.function.IntBinaryOperator value) {
        BufferedImage image = IntRgbImages.create(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = Math.max(0, Math.min(255, value.applyAsInt(x, y)));
                image.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return image;
    }

    @Test
    void aUniformImageHasItsLevelEverywhereAndNoNoiseEdgesOrBlocks() {
        double[] e = DegradationEstimates.raw(grey(64, 48, (x, y) -> 100));
        for (int p = 0; p < 8; p++) {
            assertEquals(100 / 255.0, e[p], 1e-6, "percentile " + p);
        }
        assertEquals(100 / 255.0, e[8], 1e-6);
        for (int i = 9; i < DegradationEstimates.COUNT; i++) {
            assertEquals(0, e[i], 1e-6, "estimate " + i);
        }
    }

    @Test
    void aHorizontalRampHasKnownPercentilesAndGradient() {
        // grey = column, 0..99, 20 rows: 2,000 values, each column value 20 times; sorted[k] = floor(k / 20)
        double[] e = DegradationEstimates.raw(grey(100, 20, (x, y) -> x));
        // 1st percentile: at 0.01·1999 = 19.99 between sorted[19] = 0 and sorted[20] = 1: 0.99
        assertEquals(0.99 / 255, e[0], 1e-6);
        // median: at 999.5 between 49 and 50: 49.5; 99.9th: at 1997.001 between 99 and 99: 99
        assertEquals(49.5 / 255, e[3], 1e-6);
        assertEquals(99 / 255.0, e[7], 1e-6);
        // mean 49.5, variance of 0..99 = (100² − 1) / 12
        assertEquals(49.5 / 255, e[8], 1e-6);
        assertEquals(Math.sqrt((100.0 * 100 - 1) / 12) / 255, e[9], 1e-6);
        // a linear ramp has no second differences: no noise, no high-frequency energy
        assertEquals(0, e[10], 1e-6);
        assertEquals(0, e[11], 1e-6);
        assertEquals(Math.log(1 / (1 + (100.0 * 100 - 1) / 12)), e[13], 1e-5);
        // mean |∂x| = 1, |∂y| = 0: ln(1 + 1); every column step is 1, across block boundaries or not: ln(2 / 2)
        assertEquals(Math.log(2), e[12], 1e-6);
        assertEquals(0, e[14], 1e-6);
        assertEquals(0, e[15], 1e-6);
    }

    @Test
    void immerkaersEstimateFindsTheNoiseStandardDeviation() {
        // white Gaussian noise of σ = 10 around 128 (no clipping within ±12σ): Y ⊛ L has σ·6 standard deviation,
        // E|Y ⊛ L| = 6σ·sqrt(2/π), so the estimate is σ; rounding to integers adds variance 1/12 (σ 10.004)
        Random random = new Random(7);
        double[] e = DegradationEstimates.raw(grey(256, 256, (x, y) -> (int) Math.round(128 + 10 * random.nextGaussian())));
        double sigma = Math.expm1(e[10]);
        assertEquals(10, sigma, 0.3, "estimated sigma");
    }

    @Test
    void blocksOnTheImagesEightPixelGridAreFoundInACentredCrop() {
        // 8×8 flat blocks of random levels on a 1000×600 image: the 512-px crop starts at (240, 40), multiples of
        // 8, so every difference inside a block is 0 and the across/inside ratio is ln(1 + mean jump)
        Random random = new Random(3);
        int[][] levels = new int[600 / 8][1000 / 8];
        for (int[] row : levels) {
            for (int i = 0; i < row.length; i++) {
                row[i] = 40 + random.nextInt(160);
            }
        }
        double[] e = DegradationEstimates.raw(grey(1000, 600, (x, y) -> levels[y / 8][x / 8]));
        // mean |a − b| of two independent uniform levels on 160 values ≈ 160 / 3 ≈ 53: ln(54) ≈ 4
        assertTrue(e[14] > 3.5 && e[15] > 3.5, "blockiness " + e[14] + ", " + e[15]);
        // the same image shifted by 3 pixels: block edges fall inside the 8-px grid's blocks, the ratio collapses
        double[] shifted = DegradationEstimates.raw(grey(1000, 600, (x, y) -> levels[y / 8][(x + 3) % 1000 / 8]));
        assertTrue(shifted[14] < 0, "shifted blockiness " + shifted[14]);
    }

    @Test
    void darkeningLowersTheTopPercentileToTheGain() {
        // half the pixels white, half black; darkening maps 255 to round(255 · gain): p99.9 = that over 255
        BufferedImage image = grey(64, 64, (x, y) -> x < 32 ? 0 : 255);
        int[] darkened = Darkening.apply(IntRgbImages.pixels(IntRgbImages.toIntRgb(image)), 2.2, 0.70);
        BufferedImage dark = IntRgbImages.create(64, 64);
        dark.setRGB(0, 0, 64, 64, darkened, 0, 64);
        assertEquals(Math.round(255 * 0.70) / 255.0, DegradationEstimates.raw(dark)[7], 1e-6);
        assertEquals(1.0, DegradationEstimates.raw(image)[7], 1e-6);
    }

    @Test
    void theSmallestAcceptedImagesHaveEstimatesAndSmallerOnesAreRefusedNamingTheirSize() {
        // 8×8 (ImageLimits' smallest side): no pair crosses a block boundary, so blockiness is 0, not undefined
        double[] e = DegradationEstimates.raw(grey(ImageLimits.DEFAULT_MIN_SIDE, ImageLimits.DEFAULT_MIN_SIDE,
                (x, y) -> (x * 37 + y * 11) % 256));
        for (double value : e) {
            assertTrue(Double.isFinite(value), java.util.Arrays.toString(e));
        }
        assertEquals(0, e[14]);
        assertEquals(0, e[15]);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> DegradationEstimates.raw(grey(2, 40, (x, y) -> 0)));
        assertTrue(refused.getMessage().contains("2×40"), refused.getMessage());
    }
}
