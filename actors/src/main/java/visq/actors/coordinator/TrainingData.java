package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import visq.actors.rollout.PromptRef;
import visq.gpu.tasks.QualityTask;

/**
 * The prompts a run trains on, per task and, within a task, per dataset in configuration order (a step takes its
 * prompts from one dataset, so a fidelity batch never mixes datasets), and how a cold-start target response is
 * written for a prompt.
 */
public record TrainingData(Map<QualityTask, List<DatasetPrompts>> promptsByTask,
        ColdStartTargets coldStartTargets) {

    /**
     * One dataset's training prompts for one task; with {@code blockSize} above 1, consecutive blocks of that many
     * prompts that a GRPO step takes together (ranking groups: their scores only order within a block).
     */
    public record DatasetPrompts(String dataset, List<PromptRef> prompts, int blockSize) {
        public DatasetPrompts {
            prompts = List.copyOf(prompts);
            if (blockSize < 1 || prompts.size() % blockSize != 0) {
                throw new IllegalArgumentException("dataset " + dataset + ": block size " + blockSize
                        + " does not divide its " + prompts.size() + " prompts");
            }
        }

        public DatasetPrompts(String dataset, List<PromptRef> prompts) {
            this(dataset, prompts, 1);
        }
    }

    public TrainingData {
        promptsByTask = Map.copyOf(promptsByTask);
    }

    /** The task's prompts of every dataset, with at least one prompt each. */
    public List<DatasetPrompts> datasets(QualityTask task) {
        List<DatasetPrompts> datasets = promptsByTask.getOrDefault(task, List.of()).stream()
                .filter(d -> !d.prompts().isEmpty()).toList();
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("no training prompts for task " + task.id()
                    + " (no dataset in visq.data.datasets serves it with training images)");
        }
        return datasets;
    }

    /** The task's prompts of all its datasets, in dataset order. */
    public List<PromptRef> prompts(QualityTask task) {
        List<PromptRef> prompts = new ArrayList<>();
        datasets(task).forEach(d -> prompts.addAll(d.prompts()));
        return prompts;
    }
}
