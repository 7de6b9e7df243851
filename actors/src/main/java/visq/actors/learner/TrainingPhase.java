package visq.actors.learner;

/** Where a training run is. */
public enum TrainingPhase {
    WAITING_FOR_WORKERS,
    COLD_START,
    GRPO,
    DONE,
    FAILED
}
