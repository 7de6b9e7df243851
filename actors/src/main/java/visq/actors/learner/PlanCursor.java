package visq.actors.learner;

import visq.gpu.tasks.QualityTask;

/**
 * Where one task's epoch plan over one dataset stands after a step: the epoch and the position in its seeded order.
 * An empty dataset (a checkpoint from before datasets were configurable) means the task's first dataset.
 */
public record PlanCursor(QualityTask task, String dataset, int epoch, int cursor) {}
