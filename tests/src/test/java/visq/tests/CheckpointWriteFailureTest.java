package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.NodeMetrics;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.learner.CheckpointRecovery;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.Learner;

/**
 * The checkpoint due at step 8 cannot be written: the file system refuses the file (a directory stands where its
 * temporary file goes, which fails for every user; a read-only directory would not stop root, which the tests may
 * run as). With {@code checkpoint-failure = CONTINUE} the learner logs an error naming the step and the cause, keeps
 * training on the weights in memory, writes the checkpoint after the next step instead, and the metrics show the
 * failure; with {@code STOP} the run stops at that step with a reason, the older checkpoint intact on disk.
 */
class CheckpointWriteFailureTest {
    private static final int COLD_START_STEPS = 10;
    private static final int GRPO_STEPS = 2;
    private static final int TOTAL = COLD_START_STEPS + GRPO_STEPS;

    @Test
    void aFailedWriteIsLoggedCountedAndRetriedWhileTrainingContinues() throws Exception {
        Path workDir = Files.createTempDirectory("visq-checkpoint-failure");
        Path checkpoints = blockCheckpointOfStep(workDir, 8);
        List<ILoggingEvent> errors;
        String scrape;
        ActorSystem<Void> node = start(workDir, "CONTINUE");
        try (LogCapture learnerLog = LogCapture.of(Learner.class)) {
            CheckpointFiles.awaitCheckpoint(checkpoints, TOTAL, Duration.ofSeconds(120));
            errors = learnerLog.containing("could not be written").stream()
                    .filter(e -> e.getLevel() == Level.ERROR).toList();
            assertEquals(1, learnerLog.containing("checkpoint at step 9 written to " + checkpoints
                    + " after earlier writes failed").size(), "retried after the next step");
            scrape = NodeMetrics.get(node).scrape();
        } finally {
            TestClusters.stop(node);
        }
        assertEquals(1, errors.size(), "one failed write: " + errors);
        String error = errors.get(0).getFormattedMessage();
        assertTrue(error.contains("checkpoint at step 8 could not be written to " + checkpoints)
                && error.contains("retried after the next step"), error);
        assertTrue(scrape.contains("visq_checkpoint_failures_total 1.0"), scrape);
        assertTrue(scrape.contains("visq_checkpoint_failing 0.0"), "a later write succeeded: " + scrape);
        assertTrue(scrape.contains("visq_checkpoint_last_step " + TOTAL + ".0"), scrape);

        assertEquals(TOTAL, CheckpointFiles.historySize(checkpoints), "no step lost to the failed write");
        assertTrue(Files.exists(checkpoints.resolve("meta-v000009.pb")), "the retry at step 9");
        assertFalse(Files.exists(checkpoints.resolve("meta-v000008.pb")));
        assertEquals(TOTAL, CheckpointRecovery.recover(checkpoints).checkpoint().orElseThrow().step());
        try (Stream<Path> files = Files.list(checkpoints)) {
            assertTrue(files.noneMatch(f -> Files.isRegularFile(f) && f.toString().endsWith(".tmp")),
                    "no partial file left behind");
        }
    }

    @Test
    void withStopTheRunEndsAtTheFailedCheckpointAndTheOlderOneIsIntact() throws Exception {
        Path workDir = Files.createTempDirectory("visq-checkpoint-failure-stop");
        Path checkpoints = blockCheckpointOfStep(workDir, 8);
        List<ILoggingEvent> failures;
        ActorSystem<Void> node = start(workDir, "STOP");
        try (LogCapture coordinatorLog = LogCapture.of(TrainingCoordinator.class)) {
            CheckpointFiles.await(Duration.ofSeconds(120), "the run to fail",
                    () -> !coordinatorLog.containing("training run failed").isEmpty());
            failures = coordinatorLog.containing("training run failed");
        } finally {
            TestClusters.stop(node);
        }
        assertTrue(failures.get(0).getFormattedMessage().contains(
                "checkpoint at step 8 could not be written to " + checkpoints), failures.get(0).getFormattedMessage());
        assertEquals(8, CheckpointFiles.historySize(checkpoints), "no step after the failed checkpoint");
        assertEquals(4, CheckpointWriter.readLatestCheckpoint(checkpoints).step(), "the older checkpoint is intact");
    }

    /** Makes the checkpoint at {@code step} (weight version = step) unwritable; returns the checkpoint directory. */
    private static Path blockCheckpointOfStep(Path workDir, int step) throws Exception {
        Path checkpoints = workDir.resolve("checkpoints");
        Files.createDirectories(checkpoints.resolve(String.format("weights-v%06d.pb.tmp", step)));
        return checkpoints;
    }

    private static ActorSystem<Void> start(Path workDir, String onFailure) {
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", COLD_START_STEPS,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.learner.checkpoint-every", 4,
                "visq.learner.checkpoint-failure", onFailure,
                "visq.metrics.enabled", false));
        return TestClusters.startTrainingNode(run);
    }
}
