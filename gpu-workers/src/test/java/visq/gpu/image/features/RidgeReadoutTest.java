package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RidgeReadout}'s raw-feature weights agree with an independent computation: the primal ridge solution
 * {@code β = (ZᵀZ + λI)⁻¹ Zᵀ t} on the standardised features Z and standardised targets t, solved by Gaussian
 * elimination in this test, at the λ the read-out chose.
 */
class RidgeReadoutTest {

    private static float[][] features(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] x = new float[rows][columns];
        for (float[] row : x) {
            for (int k = 0; k < columns; k++) {
                row[k] = (float) (3 + 2 * k + (k + 1) * (random.nextDouble() * 2 - 1));
            }
        }
        return x;
    }

    @Test
    void predictionsMatchThePrimalSolutionOnStandardisedData() {
        int n = 60;
        int d = 6;
        float[][] x = features(n, d, 11);
        SplittableRandom noise = new SplittableRandom(12);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 2.0 + 0.8 * x[i][0] - 0.3 * x[i][3] + 0.5 * (noise.nextDouble() - 0.5);
        }
        RidgeReadout readout = RidgeReadout.fit(x, y);
        assertTrue(Arrays.stream(RidgeProbe.DEFAULT_LAMBDAS).anyMatch(l -> l == readout.lambda()));

        double[] expected = primalPredictions(x, y, readout.lambda());
        for (int i = 0; i < n; i++) {
            assertEquals(expected[i], readout.apply(x[i]), 1e-4, "row " + i);
        }
        // the read-out tracks the targets it was fit on (standardised: correlation, not scale)
        assertTrue(readout.apply(x[0]) != readout.apply(x[1]));
    }

    /**
     * The primal ridge predictions on the rows of {@code x}: {@code β = (ZᵀZ + λI)⁻¹ Zᵀ t} on standardised features Z
     * and standardised targets t, solved by this test's own Gaussian elimination.
     */
    private static double[] primalPredictions(float[][] x, double[] y, double lambda) {
        int n = x.length;
        int d = x[0].length;
        double yMean = Arrays.stream(y).average().orElseThrow();
        double ySd = Math.sqrt(Arrays.stream(y).map(v -> (v - yMean) * (v - yMean)).sum() / n);
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (int k = 0; k < d; k++) {
            final int column = k;
            mean[k] = Arrays.stream(x).mapToDouble(r -> r[column]).average().orElseThrow();
            sd[k] = Math.sqrt(Arrays.stream(x).mapToDouble(r -> (r[column] - mean[column]) * (r[column] - mean[column]))
                    .sum() / n);
        }
        double[][] normal = new double[d][d];
        double[] right = new double[d];
        for (int i = 0; i < n; i++) {
            double t = (y[i] - yMean) / ySd;
            for (int a = 0; a < d; a++) {
                double za = (x[i][a] - mean[a]) / sd[a];
                right[a] += za * t;
                for (int b = 0; b < d; b++) {
                    normal[a][b] += za * (x[i][b] - mean[b]) / sd[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            normal[a][a] += lambda;
        }
        double[] beta = solve(normal, right);
        double[] predictions = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                predictions[i] += beta[k] * (x[i][k] - mean[k]) / sd[k];
            }
        }
        return predictions;
    }

    @Test
    void eachColumnsReadOutMatchesThePrimalSolutionAtTheSharedLambda() {
        int n = 80;
        float[][] x = features(n, 5, 21);
        SplittableRandom noise = new SplittableRandom(22);
        double[][] targets = new double[3][n];
        for (int i = 0; i < n; i++) {
            targets[0][i] = x[i][0] > 3 ? 1 : 0; // an indicator, as the degradation prior fits
            targets[1][i] = -0.4 * x[i][2] + 0.3 * (noise.nextDouble() - 0.5);
            targets[2][i] = x[i][1] + x[i][4] + 2 * (noise.nextDouble() - 0.5);
        }
        List<RidgeReadout> readouts = RidgeReadout.fitEach(x, targets);
        assertEquals(3, readouts.size());
        double lambda = readouts.get(0).lambda();
        assertTrue(Arrays.stream(RidgeProbe.DEFAULT_LAMBDAS).anyMatch(l -> l == lambda));
        for (int o = 0; o < 3; o++) {
            assertEquals(lambda, readouts.get(o).lambda(), 0.0);
            double[] expected = primalPredictions(x, targets[o], lambda);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], readouts.get(o).apply(x[i]), 1e-4, "column " + o + " row " + i);
            }
        }
    }

    @Test
    void oneColumnFitEachChoosesWhatFitChooses() {
        // the shared cross-validation with one column is fit's own: same folds, same λ, same read-out
        float[][] x = features(50, 4, 31);
        SplittableRandom noise = new SplittableRandom(32);
        double[] y = Arrays.stream(x).mapToDouble(r -> r[1] - 0.5 * r[3] + noise.nextDouble()).toArray();
        RidgeReadout alone = RidgeReadout.fit(x, y);
        RidgeReadout shared = RidgeReadout.fitEach(x, new double[][] {y}).get(0);
        assertEquals(alone.lambda(), shared.lambda(), 0.0);
        for (float[] row : x) {
            assertEquals(alone.apply(row), shared.apply(row), 1e-6);
        }
    }

    @Test
    void aConstantColumnReadsOutZeroAndBadColumnsAreRefused() {
        float[][] x = features(30, 3, 41);
        double[] varying = Arrays.stream(x).mapToDouble(r -> r[0]).toArray();
        double[] constant = new double[30];
        RidgeReadout zero = RidgeReadout.fitEach(x, new double[][] {varying, constant}).get(1);
        for (float[] row : x) {
            assertEquals(0.0, zero.apply(row), 1e-12);
        }
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> RidgeReadout.fitEach(x, new double[0][]));
        assertTrue(none.getMessage().contains("no target columns"), none.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> RidgeReadout.fitEach(x, new double[][] {varying, new double[29]}));
        assertTrue(rows.getMessage().contains("30 feature rows but 29 targets"), rows.getMessage());
    }

    /** Gaussian elimination with partial pivoting (the test's own, independent of the read-out's Cholesky). */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] row = a[col];
            a[col] = a[pivot];
            a[pivot] = row;
            double value = b[col];
            b[col] = b[pivot];
            b[pivot] = value;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) {
                    a[r][c] -= f * a[col][c];
                }
                b[r] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    @Test
    void aConstantFeatureGetsNoWeight() {
        float[][] x = features(30, 3, 5);
        for (float[] row : x) {
            row[1] = 7f;
        }
        double[] y = Arrays.stream(x).mapToDouble(r -> r[0] + r[2]).toArray();
        assertEquals(0f, RidgeReadout.fit(x, y).weights()[1]);
    }

    @Test
    void badInputIsRefusedByName() {
        float[][] x = features(20, 3, 1);
        double[] y = new double[20];
        Arrays.setAll(y, i -> i);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RidgeReadout.fit(x, new double[19]))
                .getMessage().contains("19 targets"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RidgeReadout.fit(Arrays.copyOf(x, 9), Arrays.copyOf(y, 9))).getMessage().contains("at least 10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RidgeReadout.fit(x, new double[20]))
                .getMessage().contains("all 20 targets"));
        float[][] bad = features(20, 3, 1);
        bad[4][2] = Float.NaN;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RidgeReadout.fit(bad, y))
                .getMessage().contains("row 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RidgeReadout.fit(x, y).apply(new float[2]))
                .getMessage().contains("2"));
    }
}
