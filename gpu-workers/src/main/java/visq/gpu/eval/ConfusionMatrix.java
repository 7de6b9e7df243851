package visq.gpu.eval;

import java.util.List;

/**
 * Counts of (true category, predicted category) over {@link DegradationCategory#truthCategories()} rows and all
 * {@link DegradationCategory} columns, the last being {@code unparsable}. Immutable.
 */
public final class ConfusionMatrix {

    private final int[][] counts;

    private ConfusionMatrix(int[][] counts) {
        this.counts = counts;
    }

    /** The matrix of {@code pairs}. */
    public static ConfusionMatrix of(List<DegradationPair> pairs) {
        int[][] counts = new int[DegradationCategory.truthCategories().size()][DegradationCategory.values().length];
        for (DegradationPair pair : pairs) {
            counts[DegradationCategory.of(pair.truth()).ordinal()]
                    [DegradationCategory.ofPrediction(pair.prediction()).ordinal()]++;
        }
        return new ConfusionMatrix(counts);
    }

    /** The row categories, in order. */
    public List<DegradationCategory> rows() {
        return DegradationCategory.truthCategories();
    }

    /** The column categories, in order. */
    public List<DegradationCategory> columns() {
        return List.of(DegradationCategory.values());
    }

    /** Images of category {@code truth} predicted as {@code predicted}. */
    public int count(DegradationCategory truth, DegradationCategory predicted) {
        if (truth == DegradationCategory.UNPARSABLE) {
            throw new IllegalArgumentException("unparsable is a prediction column, not a truth row");
        }
        return counts[truth.ordinal()][predicted.ordinal()];
    }

    /** Images predicted as {@code predicted}, whatever their truth. */
    public int columnTotal(DegradationCategory predicted) {
        int total = 0;
        for (int[] row : counts) {
            total += row[predicted.ordinal()];
        }
        return total;
    }
}
