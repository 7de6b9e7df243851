package visq.actors.coordinator;

import visq.gpu.tasks.QualityTask;

/** Where one task's epoch plan stands after a step: the epoch and the position in its seeded order. */
public record PlanCursor(QualityTask task, int epoch, int cursor) {}
