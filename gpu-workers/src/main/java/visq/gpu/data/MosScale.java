package visq.gpu.data;

import java.util.Collection;

/**
 * The observed range of one dataset's MOS and the map onto [1, 5]: {@code norm = 1 + 4 (mos − min) / (max − min)}
 * (method.md §1). A dataset whose scores are all equal maps every score to 3.
 *
 * @param min the lowest MOS of the dataset
 * @param max the highest MOS of the dataset
 */
record MosScale(double min, double max) {

    static MosScale of(Collection<Double> scores) {
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

    double normalise(double mos) {
        return max == min ? 3.0 : 1 + 4 * (mos - min) / (max - min);
    }
}
