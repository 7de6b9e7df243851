package visq.actors.learner;

/**
 * What the incarnations of one learner share across its supervisor's restarts: how many have started, how many
 * times it failed since it last trained a step, and whether this run has a checkpoint to go back to (one it wrote,
 * or the one it started from). Mutable; touched only by the learner actor, one incarnation after the other.
 */
final class Incarnations {
    private int started;
    private int failuresInARow;
    private boolean checkpointed;

    /** A new incarnation starts; returns whether it is a restart (not the first). */
    boolean begin() {
        started++;
        return started > 1;
    }

    /** The number of the incarnation that started last, from 1. */
    int number() {
        return started;
    }

    /** The learner failed (a step, or a restart); returns the failures since it last trained a step. */
    int failed() {
        return ++failuresInARow;
    }

    /** A step was trained: the failures in a row start again from zero. */
    void trained() {
        failuresInARow = 0;
    }

    /** The run has a checkpoint on disk that a restart can resume from. */
    void checkpointed() {
        checkpointed = true;
    }

    boolean hasCheckpoint() {
        return checkpointed;
    }
}
