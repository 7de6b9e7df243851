package visq.gpu.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The degradation-task metrics of method.md §4 for one evaluation set: overall class accuracy, class and level
 * accuracy for every true category (in {@link DegradationCategory#truthCategories()} order) and the confusion
 * matrix. Unparsable predictions count as wrong and get their own confusion column.
 */
public record DegradationMetrics(int images, int classCorrect, List<ClassAccuracy> perClass,
        ConfusionMatrix confusion) {

    public DegradationMetrics {
        perClass = List.copyOf(perClass);
        Objects.requireNonNull(confusion, "confusion");
    }

    /** Computes the metrics of {@code pairs}. */
    public static DegradationMetrics of(List<DegradationPair> pairs) {
        List<ClassAccuracy> perClass = new ArrayList<>();
        for (DegradationCategory category : DegradationCategory.truthCategories()) {
            int images = 0;
            int classCorrect = 0;
            int levelCorrect = 0;
            for (DegradationPair pair : pairs) {
                if (DegradationCategory.of(pair.truth()) == category) {
                    images++;
                    classCorrect += pair.classCorrect() ? 1 : 0;
                    levelCorrect += pair.levelCorrect() ? 1 : 0;
                }
            }
            perClass.add(new ClassAccuracy(category, images, classCorrect, levelCorrect));
        }
        int classCorrect = (int) pairs.stream().filter(DegradationPair::classCorrect).count();
        return new DegradationMetrics(pairs.size(), classCorrect, perClass, ConfusionMatrix.of(pairs));
    }

    /** Correct classes / all images (NaN for an empty set). */
    public double classAccuracy() {
        return images == 0 ? Double.NaN : (double) classCorrect / images;
    }

    /** Predictions no label could be read from. */
    public int unparsable() {
        return confusion.columnTotal(DegradationCategory.UNPARSABLE);
    }

    /** The accuracies of one true category. */
    public ClassAccuracy of(DegradationCategory category) {
        return perClass.stream().filter(a -> a.category() == category).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no accuracies for " + category));
    }
}
