package visq.gpu.eval;

import java.util.List;
import java.util.Optional;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;

/**
 * The rows and columns of the degradation confusion matrix: the four degradation classes, {@code none} (an
 * undistorted image) and, for predictions only, {@code unparsable} (no label could be read from the response).
 */
public enum DegradationCategory {
    NOISE("noise"),
    COMPRESSION("compression"),
    BLUR("blur"),
    DARKEN("darken"),
    NONE("none"),
    UNPARSABLE("unparsable");

    private static final List<DegradationCategory> TRUTHS = List.of(NOISE, COMPRESSION, BLUR, DARKEN, NONE);

    private final String displayName;

    DegradationCategory(String displayName) {
        this.displayName = displayName;
    }

    /** The lower-case name used in reports ("noise", ..., "none", "unparsable"). */
    public String displayName() {
        return displayName;
    }

    /** The categories a ground-truth label can have (all but {@link #UNPARSABLE}), in matrix row order. */
    public static List<DegradationCategory> truthCategories() {
        return TRUTHS;
    }

    /** Whether images of this category carry a severity level (every class but {@link #NONE}). */
    public boolean hasLevels() {
        return this != NONE && this != UNPARSABLE;
    }

    /** The category of a label. */
    public static DegradationCategory of(DegradationLabel label) {
        return label.degradationClass().map(DegradationCategory::of).orElse(NONE);
    }

    /** The category of a prediction; empty means the response was unparsable. */
    public static DegradationCategory ofPrediction(Optional<DegradationLabel> prediction) {
        return prediction.map(DegradationCategory::of).orElse(UNPARSABLE);
    }

    private static DegradationCategory of(DegradationClass degradationClass) {
        return valueOf(degradationClass.name());
    }
}
