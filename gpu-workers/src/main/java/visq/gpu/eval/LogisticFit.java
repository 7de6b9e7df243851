package visq.gpu.eval;

/**
 * Least-squares fit of the 4-parameter logistic ({@link LogisticParameters}) from the standard initial guess by
 * Levenberg–Marquardt with an analytic Jacobian and Marquardt's diagonal scaling.
 *
 * <p>Flat data does not throw: constant predictions or constant targets fall back to a constant curve, and the
 * result's {@link FitStatus} says so. Non-finite or mismatched inputs throw {@link IllegalArgumentException}.
 */
public final class LogisticFit {

    /** Accepted steps before giving up. */
    public static final int MAX_ITERATIONS = 2000;
    /** Stop when an accepted step lowers the sum of squares by less than this fraction of it. */
    private static final double RELATIVE_REDUCTION_TOLERANCE = 1e-15;
    /** Stop when a step is smaller than this fraction of the parameter vector. */
    private static final double RELATIVE_STEP_TOLERANCE = 1e-13;
    private static final double INITIAL_DAMPING = 1e-3;
    private static final double MAX_DAMPING = 1e20;
    private static final int PARAMETERS = 4;

    private LogisticFit() {}

    /** Fits the logistic mapping {@code x} (predicted scores) onto {@code y} (MOS). */
    public static LogisticFitResult fit(double[] x, double[] y) {
        CorrelationMetrics.checkPairs(x, y);
        if (isConstant(x)) {
            double meanY = CorrelationMetrics.mean(y);
            LogisticParameters constant = new LogisticParameters(meanY, meanY, x[0], 1.0);
            return new LogisticFitResult(constant, 0, sumOfSquares(constant.toArray(), x, y), FitStatus.FLAT_SCORES);
        }
        LogisticParameters initial = LogisticParameters.initialGuess(x, y);
        if (isConstant(y)) {
            return new LogisticFitResult(initial, 0, 0.0, FitStatus.FLAT_TARGETS);
        }
        return levenbergMarquardt(initial.toArray(), x, y);
    }

    private static LogisticFitResult levenbergMarquardt(double[] p, double[] x, double[] y) {
        double sse = sumOfSquares(p, x, y);
        double damping = INITIAL_DAMPING;
        int iterations = 0;
        while (iterations < MAX_ITERATIONS) {
            double[][] normal = new double[PARAMETERS][PARAMETERS];
            double[] gradient = new double[PARAMETERS];
            accumulateNormalEquations(p, x, y, normal, gradient);
            boolean accepted = false;
            while (!accepted) {
                double[] step = solveDamped(normal, gradient, damping);
                if (step != null && isSmall(step, p)) {
                    return result(p, iterations, sse, FitStatus.CONVERGED);
                }
                double[] candidate = step == null ? null : add(p, step);
                double candidateSse = candidate == null ? Double.NaN : sumOfSquares(candidate, x, y);
                if (candidate != null && candidateSse < sse) {
                    accepted = true;
                    iterations++;
                    double reduction = sse - candidateSse;
                    p = candidate;
                    sse = candidateSse;
                    damping = Math.max(damping / 10.0, 1e-15);
                    if (reduction <= RELATIVE_REDUCTION_TOLERANCE * sse || sse == 0) {
                        return result(p, iterations, sse, FitStatus.CONVERGED);
                    }
                } else {
                    damping *= 10.0;
                    if (damping > MAX_DAMPING) {
                        // No step lowers the sum of squares: a minimum to machine precision, unless it never solved.
                        FitStatus status = step == null ? FitStatus.NUMERICAL_FAILURE : FitStatus.CONVERGED;
                        return result(p, iterations, sse, status);
                    }
                }
            }
        }
        return result(p, iterations, sse, FitStatus.ITERATION_LIMIT);
    }

    private static LogisticFitResult result(double[] p, int iterations, double sse, FitStatus status) {
        return new LogisticFitResult(LogisticParameters.fromArray(p), iterations, sse, status);
    }

    /** JᵀJ and Jᵀr with r = f(x; p) − y and the analytic Jacobian of the logistic. */
    private static void accumulateNormalEquations(double[] p, double[] x, double[] y, double[][] normal,
            double[] gradient) {
        double span = p[0] - p[1];
        double scale = Math.abs(p[3]);
        double sign = Math.signum(p[3]);
        double[] row = new double[PARAMETERS];
        for (int i = 0; i < x.length; i++) {
            double z = (x[i] - p[2]) / scale;
            double s = LogisticParameters.sigmoid(z);
            double slope = span * s * (1.0 - s);
            row[0] = s;
            row[1] = 1.0 - s;
            row[2] = -slope / scale;
            row[3] = -slope * z / scale * sign;
            double residual = span * s + p[1] - y[i];
            for (int a = 0; a < PARAMETERS; a++) {
                gradient[a] += row[a] * residual;
                for (int b = 0; b < PARAMETERS; b++) {
                    normal[a][b] += row[a] * row[b];
                }
            }
        }
    }

    /** Solves (JᵀJ + λ·diag(JᵀJ)) δ = −Jᵀr; null when singular or non-finite. */
    private static double[] solveDamped(double[][] normal, double[] gradient, double damping) {
        double[][] a = new double[PARAMETERS][PARAMETERS + 1];
        for (int r = 0; r < PARAMETERS; r++) {
            for (int c = 0; c < PARAMETERS; c++) {
                a[r][c] = normal[r][c];
            }
            a[r][r] += damping * Math.max(normal[r][r], 1e-30);
            a[r][PARAMETERS] = -gradient[r];
        }
        return GaussianElimination.solve(a);
    }

    private static boolean isSmall(double[] step, double[] p) {
        return norm(step) <= RELATIVE_STEP_TOLERANCE * (norm(p) + RELATIVE_STEP_TOLERANCE);
    }

    private static double sumOfSquares(double[] p, double[] x, double[] y) {
        LogisticParameters curve = LogisticParameters.fromArray(p);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double r = curve.valueAt(x[i]) - y[i];
            sum += r * r;
        }
        return Double.isFinite(sum) ? sum : Double.NaN;
    }

    private static double[] add(double[] p, double[] step) {
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] + step[i];
        }
        return out;
    }

    private static double norm(double[] v) {
        double sum = 0;
        for (double e : v) {
            sum += e * e;
        }
        return Math.sqrt(sum);
    }

    private static boolean isConstant(double[] values) {
        for (double v : values) {
            if (v != values[0]) {
                return false;
            }
        }
        return true;
    }
}
