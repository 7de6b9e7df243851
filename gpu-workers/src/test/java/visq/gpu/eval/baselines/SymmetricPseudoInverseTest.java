package visq.gpu.eval.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricPseudoInverseTest {

    @Test
    void invertsAPositiveDefiniteMatrix() {
        double[][] a = randomSpd(12, 21, 12);
        double[][] product = multiply(a, SymmetricPseudoInverse.of(a));
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                assertEquals(i == j ? 1 : 0, product[i][j], 1e-9, "entry " + i + "," + j);
            }
        }
    }

    @Test
    void rankOneMatrixHasClosedFormPseudoInverse() {
        double[] u = {1, -2, 0.5, 3};
        double norm2 = 0;
        for (double v : u) {
            norm2 += v * v;
        }
        double[][] a = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                a[i][j] = u[i] * u[j];
            }
        }
        double[][] inverse = SymmetricPseudoInverse.of(a);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(u[i] * u[j] / (norm2 * norm2), inverse[i][j], 1e-12); // (u uᵀ)⁺ = u uᵀ / |u|⁴
            }
        }
    }

    @Test
    void satisfiesPenroseConditionForARankDeficientMatrix() {
        double[][] a = randomSpd(10, 22, 4); // rank 4
        double[][] again = multiply(multiply(a, SymmetricPseudoInverse.of(a)), a);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[i][j], again[i][j], 1e-9);
            }
        }
    }

    private static double[][] randomSpd(int n, long seed, int rank) {
        Random random = new Random(seed);
        double[][] b = new double[n][rank];
        for (double[] row : b) {
            for (int k = 0; k < rank; k++) {
                row[k] = random.nextGaussian();
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < rank; k++) {
                    a[i][j] += b[i][k] * b[j][k];
                }
            }
        }
        return a;
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    out[i][j] += x[i][k] * y[k][j];
                }
            }
        }
        return out;
    }
}
