package visq.gpu.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import visq.gpu.golden.Golden;

class CorrelationMetricsTest {

    private static final double GOLDEN_RELATIVE = 1e-9;

    @TestFactory
    Stream<DynamicTest> correlationsMatchScipy() {
        // Expected: scipy.stats.spearmanr, kendalltau(variant='b'), pearsonr via generate_eval_goldens.py.
        List<Map<String, Object>> cases = EvalGoldens.correlationCases();
        assertTrue(cases.size() >= 8, "golden cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
            double[] x = Golden.doubles(c.get("x"));
            double[] y = Golden.doubles(c.get("y"));
            Golden.assertRelative(Golden.number(c.get("srcc")), CorrelationMetrics.srcc(x, y), GOLDEN_RELATIVE,
                    "SRCC vs scipy.stats.spearmanr");
            Golden.assertRelative(Golden.number(c.get("krcc")), CorrelationMetrics.krcc(x, y), GOLDEN_RELATIVE,
                    "KRCC vs scipy.stats.kendalltau tau-b");
            Golden.assertRelative(Golden.number(c.get("plcc")), CorrelationMetrics.plcc(x, y), GOLDEN_RELATIVE,
                    "PLCC vs scipy.stats.pearsonr");
        }));
    }

    @Test
    void perfectMonotoneNonlinearIsRankOneButNotLinearOne() {
        double[] x = {1, 2, 3, 4, 5, 6};
        double[] y = {1, 4, 9, 16, 25, 1000};
        // Closed form: any strictly increasing relation has SRCC = KRCC = 1.
        assertEquals(1.0, CorrelationMetrics.srcc(x, y), 1e-15);
        assertEquals(1.0, CorrelationMetrics.krcc(x, y), 1e-15);
        assertTrue(CorrelationMetrics.plcc(x, y) < 0.9, "PLCC of a convex relation is below 1");
    }

    @Test
    void reversedOrderIsMinusOne() {
        double[] x = {0.3, 0.1, 0.9, 0.5};
        double[] y = {-3, -1, -9, -5};
        // Closed form: y = −10·x exactly, so all three are −1.
        assertEquals(-1.0, CorrelationMetrics.srcc(x, y), 1e-15);
        assertEquals(-1.0, CorrelationMetrics.krcc(x, y), 1e-15);
        assertEquals(-1.0, CorrelationMetrics.plcc(x, y), 1e-15);
    }

    @Test
    void kendallTauBOfASmallTiedExampleByHand() {
        double[] x = {1, 1, 2, 3};
        double[] y = {1, 2, 2, 3};
        // By hand: 6 pairs; (0,1) tied in x, (1,2) tied in y, the other 4 concordant:
        // tau-b = 4 / sqrt((6 − 1)(6 − 1)) = 0.8.
        assertEquals(0.8, CorrelationMetrics.krcc(x, y), 1e-15);
    }

    @Test
    void mergeSortKendallMatchesTheQuadraticDefinition() {
        java.util.Random random = new java.util.Random(11);
        double[] x = new double[2000];
        double[] y = new double[2000];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(40);
            y[i] = x[i] / 4 + random.nextInt(25);
        }
        // Expected: tau-b by its O(n²) definition over all pairs.
        long concordant = 0;
        long discordant = 0;
        long onlyX = 0;
        long onlyY = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                double sign = Math.signum(x[i] - x[j]) * Math.signum(y[i] - y[j]);
                if (sign > 0) {
                    concordant++;
                } else if (sign < 0) {
                    discordant++;
                } else if (x[i] != x[j]) {
                    onlyX++;
                } else if (y[i] != y[j]) {
                    onlyY++;
                }
            }
        }
        double expected = (concordant - discordant)
                / Math.sqrt((double) (concordant + discordant + onlyX) * (concordant + discordant + onlyY));
        Golden.assertRelative(expected, CorrelationMetrics.krcc(x, y), 1e-12, "KRCC vs quadratic tau-b");
    }

    @Test
    void negativeZeroTiesWithZero() {
        // By hand: x ties at ±0, so the same value as with both zeros positive.
        double expected = CorrelationMetrics.krcc(new double[] {0.0, 0.0, 1, 2}, new double[] {5, 1, 2, 3});
        assertEquals(expected, CorrelationMetrics.krcc(new double[] {-0.0, 0.0, 1, 2}, new double[] {5, 1, 2, 3}), 0.0);
    }

    @Test
    void averageRanksShareTies() {
        // By hand: sorted 10, 20, 20, 30 → ranks 1, 2.5, 2.5, 4.
        assertArrayEquals(new double[] {2.5, 1, 4, 2.5}, CorrelationMetrics.averageRanks(new double[] {20, 10, 30, 20}));
    }

    @Test
    void inputProblemsAreNamed() {
        double[] three = {1, 2, 3};
        assertMessage(() -> CorrelationMetrics.srcc(three, new double[] {1, 2}), "differ in length");
        assertMessage(() -> CorrelationMetrics.plcc(new double[] {1, 2}, new double[] {1, 2}), "at least 3 pairs");
        assertMessage(() -> CorrelationMetrics.krcc(three, new double[] {1, Double.NaN, 3}), "non-finite value (NaN) at index 1");
        UndefinedCorrelationException constant = assertThrows(UndefinedCorrelationException.class,
                () -> CorrelationMetrics.krcc(three, new double[] {4, 4, 4}));
        assertTrue(constant.getMessage().contains("second input is constant"), constant.getMessage());
        assertThrows(UndefinedCorrelationException.class, () -> CorrelationMetrics.srcc(new double[] {2, 2, 2}, three));
        assertThrows(UndefinedCorrelationException.class, () -> CorrelationMetrics.plcc(new double[] {2, 2, 2}, three));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
