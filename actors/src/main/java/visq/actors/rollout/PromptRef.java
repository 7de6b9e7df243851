package visq.actors.rollout;

import visq.gpu.tasks.QualityTask;

/** A training prompt by reference: the sample id (its image is resolved on the worker's node) and the task. */
public record PromptRef(String sampleId, QualityTask task) {}
