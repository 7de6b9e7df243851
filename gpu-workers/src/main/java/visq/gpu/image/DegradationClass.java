package visq.gpu.image;

import java.util.Arrays;
import java.util.Optional;

/** The degradation classes of Q-Insight's degradation task, with their answer spelling. */
public enum DegradationClass {
    NOISE("noise"),
    COMPRESSION("compression"),
    BLUR("blur"),
    DARKEN("darken");

    private final String answerName;

    DegradationClass(String answerName) {
        this.answerName = answerName;
    }

    /** The exact (case-sensitive) spelling used inside answers. */
    public String answerName() {
        return answerName;
    }

    public static Optional<DegradationClass> fromAnswerName(String name) {
        return Arrays.stream(values()).filter(c -> c.answerName.equals(name)).findFirst();
    }
}
