package visq.gpu.image.nss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalSceneStatisticsTest {

    private static final int SAMPLES = 200_000;

    @Test
    void ggdFitOfGaussianSamplesHasShapeTwo() {
        Random random = new Random(11);
        double[] x = new double[SAMPLES];
        for (int i = 0; i < x.length; i++) {
            x[i] = 3 * random.nextGaussian();
        }
        NaturalSceneStatistics.GgdFit fit = NaturalSceneStatistics.fitGgd(x);
        assertEquals(2.0, fit.shape(), 0.05);
        assertEquals(3.0, fit.sigma(), 0.03);
    }

    @Test
    void ggdFitOfLaplacianSamplesHasShapeOne() {
        Random random = new Random(12);
        double[] x = new double[SAMPLES];
        for (int i = 0; i < x.length; i++) {
            double magnitude = -Math.log(1 - random.nextDouble());
            x[i] = random.nextBoolean() ? magnitude : -magnitude;
        }
        assertEquals(1.0, NaturalSceneStatistics.fitGgd(x).shape(), 0.03);
    }

    @Test
    void aggdFitRecoversSideDeviationsOfHalfGaussians() {
        Random random = new Random(13);
        double[] x = new double[SAMPLES];
        for (int i = 0; i < x.length; i++) {
            double g = Math.abs(random.nextGaussian());
            // AGGD with shape 2, left deviation 1, right deviation 2: each side is taken in proportion to its scale
            x[i] = random.nextDouble() < 2.0 / 3 ? 2 * g : -g;
        }
        NaturalSceneStatistics.AggdFit fit = NaturalSceneStatistics.fitAggd(x);
        assertEquals(2.0, fit.shape(), 0.05);
        assertEquals(1.0, fit.leftSigma(), 0.01);
        assertEquals(2.0, fit.rightSigma(), 0.02);
        // for shape 2 the scale is deviation · sqrt(Γ(1/2) / Γ(3/2)) = deviation · sqrt(2)
        assertEquals(fit.leftSigma() * Math.sqrt(2), fit.leftScale(), 0.01);
    }

    @Test
    void aggdIgnoresExactZerosForTheSideDeviations() {
        NaturalSceneStatistics.AggdFit fit = NaturalSceneStatistics.fitAggd(new double[] {-2, 0, 0, 0, 3});
        assertEquals(2.0, fit.leftSigma(), 0);
        assertEquals(3.0, fit.rightSigma(), 0);
    }

    @Test
    void logGammaMatchesKnownValues() {
        assertEquals(0.0, LogGamma.of(1), 1e-14);
        assertEquals(0.0, LogGamma.of(2), 1e-14);
        assertEquals(Math.log(24), LogGamma.of(5), 1e-13);
        assertEquals(0.5 * Math.log(Math.PI), LogGamma.of(0.5), 1e-14);
        assertEquals(Math.log(9.513507698668732), LogGamma.of(0.1), 1e-13); // Γ(0.1)
        assertEquals(Math.log(0.8862269254527580), LogGamma.of(1.5), 1e-14); // Γ(3/2) = √π / 2
    }

    @Test
    void neighbourProductsWrapAround() {
        double[] values = {1, 2, 3, 4, 5, 6}; // 3 wide, 2 high
        // shift (0, 1): each value times its left neighbour, the first column wrapping to the last
        assertArrayEquals(new double[] {3, 2, 6, 24, 20, 30},
                NaturalSceneStatistics.neighbourProducts(values, 3, 2, 0, 1), 0);
        // shift (1, 0): each value times the one above, the first row wrapping to the last
        assertArrayEquals(new double[] {4, 10, 18, 4, 10, 18},
                NaturalSceneStatistics.neighbourProducts(values, 3, 2, 1, 0), 0);
    }

    @Test
    void mscnOfAUniformPlaneIsExactlyZero() {
        LumaPlane flat = new LumaPlane(9, 8, filled(72, 201));
        for (double v : NaturalSceneStatistics.mscnReplicated(flat)) {
            assertEquals(0.0, v, 0);
        }
    }

    private static double[] filled(int n, double value) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, value);
        return out;
    }
}
