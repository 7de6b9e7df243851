package visq.gpu.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The three correlations of method.md §4 between predicted scores and MOS: Spearman's rank correlation (SRCC, with
 * average ranks for ties), Kendall's tau-b (KRCC) and Pearson's linear correlation (PLCC).
 *
 * <p>Every method takes two equally long arrays of at least three finite values and throws an
 * {@link IllegalArgumentException} naming the problem otherwise; a constant input throws the subtype
 * {@link UndefinedCorrelationException}.
 */
public final class CorrelationMetrics {

    /** The fewest pairs a correlation is computed from. */
    public static final int MIN_PAIRS = 3;

    private CorrelationMetrics() {}

    /** Pearson's linear correlation coefficient. */
    public static double plcc(double[] x, double[] y) {
        checkPairs(x, y);
        return pearson(x, y, "PLCC");
    }

    /** Spearman's rank correlation: Pearson's correlation of the average ranks. */
    public static double srcc(double[] x, double[] y) {
        checkPairs(x, y);
        return pearson(averageRanks(x), averageRanks(y), "SRCC");
    }

    /**
     * Kendall's tau-b: (concordant − discordant) / sqrt((n0 − n1)(n0 − n2)), with n0 = n(n−1)/2 and n1, n2 the pairs
     * tied in x and in y. O(n log n): pairs are sorted by x then y and discordances counted by merge sort.
     */
    public static double krcc(double[] x, double[] y) {
        checkPairs(x, y);
        int n = x.length;
        double[] xn = withoutNegativeZero(x);
        double[] yn = withoutNegativeZero(y);
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> xn[i]).thenComparingDouble(i -> yn[i]));
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int k = 0; k < n; k++) {
            xs[k] = xn[order[k]];
            ys[k] = yn[order[k]];
        }
        long totalPairs = (long) n * (n - 1) / 2;
        long tiedX = tiedPairsInSorted(xs);
        long tiedXY = tiedPairsInSortedPairs(xs, ys);
        long swaps = MergeSortInversions.countAndSort(ys);
        long tiedY = tiedPairsInSorted(ys);
        if (tiedX == totalPairs) {
            throw new UndefinedCorrelationException("KRCC is undefined: the first input is constant (zero variance)");
        }
        if (tiedY == totalPairs) {
            throw new UndefinedCorrelationException("KRCC is undefined: the second input is constant (zero variance)");
        }
        // concordant − discordant = n0 − n1 − n2 + n3 − 2·discordant, with discordant = swaps of y within x order.
        double numerator = (double) (totalPairs - tiedX - tiedY + tiedXY) - 2.0 * swaps;
        double denominator = Math.sqrt((double) (totalPairs - tiedX) * (double) (totalPairs - tiedY));
        return clamp(numerator / denominator);
    }

    /** Ranks 1..n, tied values sharing the mean of the ranks they span. */
    static double[] averageRanks(double[] values) {
        int n = values.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[n];
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double shared = (start + end) / 2.0 + 1.0;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = shared;
            }
            start = end + 1;
        }
        return ranks;
    }

    /** Checks lengths, the number of pairs and finiteness; shared with the other metrics of this package. */
    static void checkPairs(double[] x, double[] y) {
        if (x == null || y == null) {
            throw new IllegalArgumentException("correlation inputs must not be null");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException(
                    "correlation inputs differ in length: " + x.length + " predictions vs " + y.length + " targets");
        }
        if (x.length < MIN_PAIRS) {
            throw new IllegalArgumentException(
                    "a correlation needs at least " + MIN_PAIRS + " pairs, got " + x.length);
        }
        checkFinite(x, "first");
        checkFinite(y, "second");
    }

    private static void checkFinite(double[] values, String which) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("the " + which + " correlation input holds a non-finite value ("
                        + values[i] + ") at index " + i);
            }
        }
    }

    private static double pearson(double[] x, double[] y, String metric) {
        double meanX = mean(x);
        double meanY = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0) {
            throw new UndefinedCorrelationException(metric + " is undefined: the first input is constant (zero variance)");
        }
        if (syy == 0) {
            throw new UndefinedCorrelationException(metric + " is undefined: the second input is constant (zero variance)");
        }
        return clamp(sxy / Math.sqrt(sxx * syy));
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Pairs (i < j) with equal values, for sorted values. */
    private static long tiedPairsInSorted(double[] sorted) {
        long tied = 0;
        long run = 1;
        for (int k = 1; k <= sorted.length; k++) {
            if (k < sorted.length && sorted[k] == sorted[k - 1]) {
                run++;
            } else {
                tied += run * (run - 1) / 2;
                run = 1;
            }
        }
        return tied;
    }

    /** Pairs equal in both coordinates, for pairs sorted lexicographically. */
    private static long tiedPairsInSortedPairs(double[] xs, double[] ys) {
        long tied = 0;
        long run = 1;
        for (int k = 1; k <= xs.length; k++) {
            if (k < xs.length && xs[k] == xs[k - 1] && ys[k] == ys[k - 1]) {
                run++;
            } else {
                tied += run * (run - 1) / 2;
                run = 1;
            }
        }
        return tied;
    }

    /** A copy with −0.0 replaced by 0.0, so that sorting (Double.compare) and tie tests (==) agree. */
    private static double[] withoutNegativeZero(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] + 0.0;
        }
        return out;
    }

    private static double clamp(double r) {
        return Math.max(-1.0, Math.min(1.0, r));
    }
}
