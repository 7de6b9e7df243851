package visq.actors.coordinator;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the supervised cold start teaches before GRPO ({@code visq.training.recipe}).
 */
public enum TrainingRecipe {
    /** The cold start writes each prompt's true label into its target: format, language and perception. */
    SUPERVISED("supervised"),
    /**
     * The cold start writes randomly drawn labels ({@link visq.gpu.tasks.RandomAnswers}), fresh at every step: it
     * teaches the answer format and language only, and GRPO learns perception from the rewards alone.
     */
    RL_FIRST("rl-first");

    private final String id;

    TrainingRecipe(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<TrainingRecipe> fromId(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    /** The ids, for messages. */
    public static String ids() {
        return Arrays.stream(values()).map(TrainingRecipe::id).collect(Collectors.joining(", "));
    }
}
