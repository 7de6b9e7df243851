package visq.actors.coordinator;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import visq.actors.rollout.PromptRef;
import visq.gpu.tasks.QualityTask;

/**
 * The prompts a run trains on, per task (each task draws from one dataset, so a fidelity batch never
 * mixes datasets), and how a cold-start target response is written for a prompt.
 */
public record TrainingData(Map<QualityTask, List<PromptRef>> promptsByTask, Function<PromptRef, String> coldStartTarget) {

    public TrainingData {
        promptsByTask = Map.copyOf(promptsByTask);
    }

    public List<PromptRef> prompts(QualityTask task) {
        List<PromptRef> prompts = promptsByTask.get(task);
        if (prompts == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("no training prompts for task " + task.id());
        }
        return prompts;
    }
}
