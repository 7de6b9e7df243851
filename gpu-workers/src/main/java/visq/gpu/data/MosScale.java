package visq.gpu.data;

import java.util.Collection;

/**
 * The range of one dataset's MOS and the map onto [1, 5]: {@code norm = 1 + 4 (mos − min) / (max − min)}
 * (method.md §1), from the range a dataset declares or, failing that, the one its scores span. A dataset whose
 * scores are all equal maps every score to 3.
 *
 * @param min the lowest MOS of the dataset
 * @param max the highest MOS of the dataset
 */
public record MosScale(double min, double max) {

    public MosScale {
        if (!Double.isFinite(min) || !Double.isFinite(max) || max < min) {
            throw new IllegalArgumentException("a MOS range needs finite min <= max, got [" + min + ", " + max + "]");
        }
    }

    /** The range {@code scores} span. */
    public static MosScale of(Collection<Double> scores) {
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("a MOS scale needs at least one score");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double score : scores) {
            min = Math.min(min, score);
            max = Math.max(max, score);
        }
        return new MosScale(min, max);
    }

    public boolean contains(double mos) {
        return mos >= min && mos <= max;
    }

    public double normalise(double mos) {
        return max == min ? 3.0 : 1 + 4 * (mos - min) / (max - min);
    }

    @Override
    public String toString() {
        return "[" + fmt(min) + ", " + fmt(max) + "]";
    }

    private static String fmt(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
