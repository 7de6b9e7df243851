package visq.gpu.tasks;

import java.util.Arrays;
import java.util.Optional;

/** The tasks a Visq policy answers (method.md §1), each with the identifier used on the wire. */
public enum QualityTask {
    /** Q-Insight overall rating: a JSON answer {@code {"rating": 3.45}}. */
    SCORE("score", 1),
    /** VisualQuality-R1 overall rating: a bare number in the answer. */
    SCORE_NUMBER("score-number", 1),
    /** Q-Insight degradation perception: class and severity as JSON. */
    DEGRADATION("degradation", 1),
    /** Q-Insight zero-shot comparison: reference, Image A, Image B. */
    COMPARISON("comparison", 3);

    private final String id;
    private final int images;

    QualityTask(String id, int images) {
        this.id = id;
        this.images = images;
    }

    /** The identifier used in requests, configuration and reports. */
    public String id() {
        return id;
    }

    /** How many images the prompt carries. */
    public int imageCount() {
        return images;
    }

    /** The task with identifier {@code id}, or empty when no task has it. */
    public static Optional<QualityTask> fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }
}
