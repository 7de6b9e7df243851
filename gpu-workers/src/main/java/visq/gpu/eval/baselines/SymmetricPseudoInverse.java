package visq.gpu.eval.baselines;

/**
 * The Moore-Penrose pseudo-inverse of a symmetric matrix from its eigen-decomposition (cyclic Jacobi rotations).
 * Eigenvalues whose magnitude is at most {@code n · ε · max|λ|} count as zero, the cut-off LAPACK-based
 * {@code pinv} implementations use by default.
 */
final class SymmetricPseudoInverse {

    private static final int MAX_SWEEPS = 100;

    private SymmetricPseudoInverse() {}

    /** The pseudo-inverse of the symmetric {@code matrix} (n by n, rows); the argument is not changed. */
    static double[][] of(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + matrix[i].length
                        + " entries, expected " + n);
            }
            a[i] = matrix[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        diagonalise(a, v);
        double largest = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(a[i][i]));
        }
        double cutoff = n * Math.ulp(1.0) * largest;
        double[][] inverse = new double[n][n];
        for (int k = 0; k < n; k++) {
            double lambda = a[k][k];
            if (Math.abs(lambda) <= cutoff) {
                continue;
            }
            double reciprocal = 1 / lambda;
            for (int i = 0; i < n; i++) {
                double vik = v[i][k] * reciprocal;
                for (int j = 0; j < n; j++) {
                    inverse[i][j] += vik * v[j][k];
                }
            }
        }
        return inverse;
    }

    /** Rotates {@code a} to diagonal form in place, accumulating the eigenvectors as the columns of {@code v}. */
    private static void diagonalise(double[][] a, double[][] v) {
        int n = a.length;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += a[i][j] * a[i][j];
                    if (i != j) {
                        off += a[i][j] * a[i][j];
                    }
                }
            }
            if (off <= 1e-30 * total || off == 0) {
                return;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
    }

    private static void rotate(double[][] a, double[][] v, int p, int q) {
        int n = a.length;
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
