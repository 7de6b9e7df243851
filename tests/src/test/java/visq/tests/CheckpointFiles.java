package visq.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;

/** What a run's checkpoint folder says about its progress, and waiting for it (polled, bounded by a timeout). */
final class CheckpointFiles {
    private CheckpointFiles() {}

    /** Steps recorded in the training history; 0 before the first. */
    static int historySize(Path checkpoints) throws IOException {
        return Files.exists(checkpoints.resolve(TrainingHistory.FILE)) ? TrainingHistory.read(checkpoints).size() : 0;
    }

    /** The step of the newest checkpoint; -1 before the first. */
    static long latestStep(Path checkpoints) throws IOException {
        return Files.exists(checkpoints.resolve(CheckpointWriter.LATEST_METADATA))
                ? CheckpointWriter.readLatest(checkpoints).getStep() : -1;
    }

    /** Waits until the history holds at least {@code steps} steps. */
    static void awaitHistory(Path checkpoints, int steps, Duration timeout) throws Exception {
        await(timeout, "training history to reach step " + steps, () -> historySize(checkpoints) >= steps);
    }

    /** Waits until the newest checkpoint is the one at {@code step}. */
    static void awaitCheckpoint(Path checkpoints, long step, Duration timeout) throws Exception {
        await(timeout, "checkpoint at step " + step, () -> latestStep(checkpoints) == step);
    }

    /** A condition polled while waiting. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(Duration timeout, String what, Condition condition) throws Exception {
        await(timeout, what, condition, () -> "");
    }

    /** As {@link #await(Duration, String, Condition)}; {@code check} may fail early and adds to the message. */
    static void await(Duration timeout, String what, Condition condition, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            String diagnostics = check.run();
            if (System.nanoTime() > deadline) {
                fail("no " + what + " within " + timeout.toSeconds() + " s" + diagnostics);
            }
            Thread.sleep(20);
        }
    }

    /** Runs between polls: may fail the wait early; returns what to add to a timeout's message. */
    interface Check {
        String run() throws Exception;
    }
}
