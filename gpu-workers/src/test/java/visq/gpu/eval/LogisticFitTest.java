package visq.gpu.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import visq.gpu.golden.Golden;

class LogisticFitTest {

    private static final double FIT_RELATIVE = 1e-4;

    @TestFactory
    Stream<DynamicTest> fitMatchesScipyCurveFit() {
        // Expected: scipy.optimize.curve_fit (method='lm') from the same initial point, via generate_eval_goldens.py.
        return EvalGoldens.fitCases().stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
            double[] x = Golden.doubles(c.get("x"));
            double[] y = Golden.doubles(c.get("y"));
            Map<String, Object> expected = EvalGoldens.fit(c);

            LogisticParameters initial = LogisticParameters.initialGuess(x, y);
            double[] goldenInitial = Golden.doubles(expected.get("initial"));
            assertArrayEquals(goldenInitial, initial.toArray(), 1e-12 * Math.abs(goldenInitial[0]) + 1e-12,
                    "initial point as in method.md §4 (numpy max/min/mean/std)");

            LogisticFitResult fit = LogisticFit.fit(x, y);
            assertTrue(fit.converged(), "status " + fit.status() + " after " + fit.iterations());
            double[] yhat = fit.fittedValues(x);
            double[] goldenYhat = Golden.doubles(expected.get("yhat"));
            for (int i = 0; i < x.length; i++) {
                Golden.assertRelative(goldenYhat[i], yhat[i], FIT_RELATIVE, "yhat[" + i + "] vs curve_fit");
            }
            Golden.assertRelative(Golden.number(expected.get("plcc_fitted")), CorrelationMetrics.plcc(yhat, y),
                    FIT_RELATIVE, "PLCC after fit vs pearsonr(curve_fit yhat, y)");
            assertTrue(fit.sumOfSquares() <= Golden.number(expected.get("sum_of_squares")) * (1 + 1e-6),
                    "sum of squares no worse than curve_fit's");
        }));
    }

    @Test
    void recoversAnExactLogistic() {
        LogisticParameters truth = new LogisticParameters(4.5, 1.2, 0.3, 0.7);
        double[] x = new double[41];
        for (int i = 0; i < x.length; i++) {
            x[i] = -2.0 + 0.1 * i;
        }
        double[] y = truth.valuesAt(x);
        LogisticFitResult fit = LogisticFit.fit(x, y);
        // Closed form: noise-free data from a logistic is fitted exactly (|b4| only, the sign is free).
        assertTrue(fit.converged());
        assertEquals(4.5, fit.parameters().b1(), 1e-7);
        assertEquals(1.2, fit.parameters().b2(), 1e-7);
        assertEquals(0.3, fit.parameters().b3(), 1e-7);
        assertEquals(0.7, Math.abs(fit.parameters().b4()), 1e-7);
        assertEquals(0.0, fit.sumOfSquares(), 1e-18);
    }

    @Test
    void constantScoresFallBackToTheMeanTarget() {
        LogisticFitResult fit = LogisticFit.fit(new double[] {3, 3, 3, 3}, new double[] {1, 2, 3, 6});
        assertEquals(FitStatus.FLAT_SCORES, fit.status());
        assertFalse(fit.converged());
        // Closed form: mean of the targets.
        assertEquals(3.0, fit.curve().applyAsDouble(3.0), 0.0);
        assertEquals(3.0, fit.curve().applyAsDouble(-100.0), 0.0);
    }

    @Test
    void constantTargetsFallBackToTheInitialGuess() {
        double[] x = {1, 2, 3, 4};
        LogisticFitResult fit = LogisticFit.fit(x, new double[] {5, 5, 5, 5});
        assertEquals(FitStatus.FLAT_TARGETS, fit.status());
        assertEquals(LogisticParameters.initialGuess(x, new double[] {5, 5, 5, 5}), fit.parameters());
        assertEquals(5.0, fit.curve().applyAsDouble(2.5), 0.0);
    }

    @Test
    void scoreAgreementReportsUndefinedCorrelationsAsNaN() {
        ScoreAgreement agreement = ScoreAgreement.of(new double[] {2, 2, 2}, new double[] {1, 2, 3});
        assertTrue(Double.isNaN(agreement.srcc()));
        assertTrue(Double.isNaN(agreement.plccFitted()));
        assertEquals(FitStatus.FLAT_SCORES, agreement.fit().status());
    }

    @Test
    void lowerIsBetterBaselinesAreNegated() {
        double[] mos = {1, 2, 3, 4, 5};
        double[] niqe = {9, 7, 6, 4, 1};
        BaselineRow row = BaselineRow.evaluate("NIQE", niqe, ScoreOrientation.LOWER_IS_BETTER, mos);
        // Closed form: NIQE is strictly decreasing in MOS, so after negation SRCC = KRCC = 1.
        assertEquals(1.0, row.agreement().srcc(), 1e-15);
        assertEquals(1.0, row.agreement().krcc(), 1e-15);
        assertTrue(row.agreement().plccFitted() >= row.agreement().plccRaw() - 1e-12);
    }
}
