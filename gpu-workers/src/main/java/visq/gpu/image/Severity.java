package visq.gpu.image;

import java.util.Arrays;
import java.util.Optional;

/** Degradation severity levels 1..5 with their answer spelling (method.md §1). */
public enum Severity {
    SLIGHT("slight", 1),
    MODERATE("moderate", 2),
    OBVIOUS("obvious", 3),
    SERIOUS("serious", 4),
    CATASTROPHIC("catastrophic", 5);

    private final String answerName;
    private final int level;

    Severity(String answerName, int level) {
        this.answerName = answerName;
        this.level = level;
    }

    public String answerName() {
        return answerName;
    }

    /** 1 (slight) to 5 (catastrophic). */
    public int level() {
        return level;
    }

    public static Severity ofLevel(int level) {
        if (level < 1 || level > 5) {
            throw new IllegalArgumentException("severity level must be 1..5, got " + level);
        }
        return values()[level - 1];
    }

    public static Optional<Severity> fromAnswerName(String name) {
        return Arrays.stream(values()).filter(s -> s.answerName.equals(name)).findFirst();
    }
}
