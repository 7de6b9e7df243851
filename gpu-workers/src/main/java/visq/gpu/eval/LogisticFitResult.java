package visq.gpu.eval;

import java.util.function.DoubleUnaryOperator;

/**
 * The outcome of fitting the logistic of method.md §4: the parameters, the curve they define, how many
 * Levenberg–Marquardt iterations ran, the final sum of squared residuals and how the fit ended.
 */
public record LogisticFitResult(LogisticParameters parameters, int iterations, double sumOfSquares,
        FitStatus status) {

    /** True when the fit met its tolerance (not a fallback, not stopped early). */
    public boolean converged() {
        return status == FitStatus.CONVERGED;
    }

    /** The fitted curve as a function. */
    public DoubleUnaryOperator curve() {
        return parameters::valueAt;
    }

    /** The fitted curve at every element of {@code x}. */
    public double[] fittedValues(double[] x) {
        return parameters.valuesAt(x);
    }
}
