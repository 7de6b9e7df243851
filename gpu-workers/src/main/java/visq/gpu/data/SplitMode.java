package visq.gpu.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which of a dataset's images train and which are held out for evaluation. */
public enum SplitMode {
    /** A seeded share of the groups (images, or reference images) held out; the rest trains. */
    HELD_OUT("held-out"),
    /** Every image trains; none is held out. */
    TRAIN("train"),
    /** No image trains; every one is for evaluation. */
    EVAL("eval");

    private final String id;

    SplitMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<SplitMode> fromId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id.toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(SplitMode::id).toList());
    }
}
