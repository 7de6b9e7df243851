package visq.actors.learner;

import java.util.List;
import visq.gpu.model.EncodedWeights;
import visq.gpu.training.TrainerState;
import visq.protocol.artifacts.TaskCursor;

/** A complete checkpoint: step, policy weights, trainer state and where each task's data plan stands. */
public record Checkpoint(long step, EncodedWeights weights, TrainerState trainer, List<TaskCursor> cursors) {

    public Checkpoint {
        cursors = List.copyOf(cursors);
    }
}
