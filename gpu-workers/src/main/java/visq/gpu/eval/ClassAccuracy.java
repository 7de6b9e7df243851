package visq.gpu.eval;

/**
 * Accuracies for the images of one true degradation category (method.md §4). The level is counted only when the
 * class is right: {@link #levelAccuracy()} divides the correct levels by all images of the class, and
 * {@link #conditionalLevelAccuracy()} by the images whose class was right. Empty denominators give NaN, and so do
 * both level accuracies of {@link DegradationCategory#NONE}, which has no levels.
 */
public record ClassAccuracy(DegradationCategory category, int images, int classCorrect, int levelCorrect) {

    public ClassAccuracy {
        if (images < 0 || classCorrect < 0 || classCorrect > images || levelCorrect < 0 || levelCorrect > classCorrect) {
            throw new IllegalArgumentException("inconsistent counts for " + category + ": images " + images
                    + ", class correct " + classCorrect + ", level correct " + levelCorrect);
        }
    }

    /** Correct classes / images of this class. */
    public double classAccuracy() {
        return ratio(classCorrect, images);
    }

    /** Correct class and level / images of this class (NaN for {@code none}). */
    public double levelAccuracy() {
        return category.hasLevels() ? ratio(levelCorrect, images) : Double.NaN;
    }

    /** Correct class and level / images of this class whose class was right (NaN for {@code none}). */
    public double conditionalLevelAccuracy() {
        return category.hasLevels() ? ratio(levelCorrect, classCorrect) : Double.NaN;
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }
}
