package visq.gpu.eval;

import java.util.function.DoubleSupplier;

/**
 * How well scores agree with MOS (method.md §4): SRCC, KRCC, PLCC on the raw scores and PLCC after the logistic
 * fit, with the fit itself. A correlation that is undefined (constant scores) is NaN; the fit's status says why.
 */
public record ScoreAgreement(double srcc, double krcc, double plccRaw, double plccFitted, LogisticFitResult fit) {

    /**
     * Correlates {@code scores} (already oriented higher-is-better) with {@code mos}. PLCC after the fit is
     * Pearson(yhat(scores), mos). Mismatched lengths, fewer than three pairs or non-finite values throw
     * {@link IllegalArgumentException}; constant inputs give NaN correlations instead.
     */
    public static ScoreAgreement of(double[] scores, double[] mos) {
        CorrelationMetrics.checkPairs(scores, mos);
        LogisticFitResult fit = LogisticFit.fit(scores, mos);
        double[] fitted = fit.fittedValues(scores);
        return new ScoreAgreement(
                orNaN(() -> CorrelationMetrics.srcc(scores, mos)),
                orNaN(() -> CorrelationMetrics.krcc(scores, mos)),
                orNaN(() -> CorrelationMetrics.plcc(scores, mos)),
                orNaN(() -> CorrelationMetrics.plcc(fitted, mos)),
                fit);
    }

    /**
     * The agreement of {@code scores} with {@code mos}, or every number undefined (NaN, fit status
     * {@link FitStatus#TOO_FEW_PAIRS}) when fewer than three pairs exist: an evaluation whose answers mostly fail to
     * parse still reports, instead of failing.
     */
    public static ScoreAgreement ofOrUndefined(double[] scores, double[] mos) {
        if (scores.length >= 3) {
            return of(scores, mos);
        }
        return new ScoreAgreement(Double.NaN, Double.NaN, Double.NaN, Double.NaN, new LogisticFitResult(
                new LogisticParameters(Double.NaN, Double.NaN, Double.NaN, Double.NaN), 0, Double.NaN,
                FitStatus.TOO_FEW_PAIRS));
    }

    private static double orNaN(DoubleSupplier correlation) {
        try {
            return correlation.getAsDouble();
        } catch (UndefinedCorrelationException undefined) {
            return Double.NaN;
        }
    }
}
