package visq.gpu.eval;

/** Solves a small dense linear system by Gaussian elimination with partial pivoting. */
final class GaussianElimination {

    private GaussianElimination() {}

    /**
     * Solves the system whose augmented matrix (n rows, n + 1 columns, right-hand side last) is {@code augmented},
     * overwriting it. Returns null when the matrix is singular or the solution is not finite.
     */
    static double[] solve(double[][] augmented) {
        int n = augmented.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(augmented[r][col]) > Math.abs(augmented[pivot][col])) {
                    pivot = r;
                }
            }
            if (augmented[pivot][col] == 0 || !Double.isFinite(augmented[pivot][col])) {
                return null;
            }
            double[] swap = augmented[col];
            augmented[col] = augmented[pivot];
            augmented[pivot] = swap;
            for (int r = col + 1; r < n; r++) {
                double factor = augmented[r][col] / augmented[col][col];
                for (int c = col; c <= n; c++) {
                    augmented[r][c] -= factor * augmented[col][c];
                }
            }
        }
        double[] solution = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double sum = augmented[r][n];
            for (int c = r + 1; c < n; c++) {
                sum -= augmented[r][c] * solution[c];
            }
            solution[r] = sum / augmented[r][r];
            if (!Double.isFinite(solution[r])) {
                return null;
            }
        }
        return solution;
    }
}
