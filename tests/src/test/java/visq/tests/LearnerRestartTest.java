package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;
import visq.protocol.artifacts.StepRecord;

/**
 * The learner node stops mid-run (its actor system is terminated between checkpoints) and a new node
 * started with {@code visq.learner.resume = on} continues from the last checkpoint: the run ends with
 * the same step count, weight version and per-step data as a run that was never interrupted.
 */
class LearnerRestartTest {
    // long enough that the run cannot finish while the first node is being stopped: on an idle 2-core machine the
    // node ran 11 more steps between the awaited history and its termination, and with 14 steps the run ended first
    private static final int COLD_START_STEPS = 60;
    private static final int GRPO_STEPS = 4;
    private static final int TOTAL = COLD_START_STEPS + GRPO_STEPS;

    @Test
    void resumedRunMatchesAnUninterruptedOne() throws Exception {
        Path uninterrupted = Files.createTempDirectory("visq-uninterrupted");
        runToEnd(uninterrupted, false);

        Path interrupted = Files.createTempDirectory("visq-interrupted");
        ActorSystem<Void> first = start(interrupted, false);
        try {
            CheckpointFiles.awaitHistory(interrupted.resolve("checkpoints"), 7, Duration.ofSeconds(180)); // a checkpoint was written at step 5 (checkpoint-every = 5)
        } finally {
            TestClusters.stop(first);
        }
        long checkpointed = CheckpointWriter.readLatest(interrupted.resolve("checkpoints")).getStep();
        assertTrue(checkpointed >= 5 && checkpointed < TOTAL, "checkpoint at step " + checkpointed);
        runToEnd(interrupted, true);

        List<StepRecord> expected = TrainingHistory.read(uninterrupted.resolve("checkpoints"));
        List<StepRecord> actual = TrainingHistory.read(interrupted.resolve("checkpoints"));
        assertEquals(TOTAL, expected.size());
        assertEquals(TOTAL, actual.size(), "every step recorded exactly once after the restart");
        for (int i = 0; i < TOTAL; i++) {
            assertEquals(i + 1, actual.get(i).getStep());
            assertEquals(expected.get(i).getWeightVersion(), actual.get(i).getWeightVersion());
            assertEquals(sorted(expected.get(i).getSampleIdsList()), sorted(actual.get(i).getSampleIdsList()),
                    "samples of step " + (i + 1));
        }
        assertEquals(TOTAL, CheckpointWriter.readLatest(interrupted.resolve("checkpoints")).getWeightVersion());
    }

    private static List<String> sorted(List<String> ids) {
        List<String> copy = new ArrayList<>(ids);
        copy.sort(null);
        return copy;
    }

    private static void runToEnd(Path workDir, boolean resume) throws Exception {
        ActorSystem<Void> node = start(workDir, resume);
        try {
            CheckpointFiles.awaitHistory(workDir.resolve("checkpoints"), TOTAL, Duration.ofSeconds(180));
            CheckpointFiles.awaitCheckpoint(workDir.resolve("checkpoints"), TOTAL, Duration.ofSeconds(60));
        } finally {
            TestClusters.stop(node);
        }
    }

    private static ActorSystem<Void> start(Path workDir, boolean resume) {
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", COLD_START_STEPS,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.learner.checkpoint-every", 5,
                "visq.learner.resume", resume));
        return TestClusters.startTrainingNode(run);
    }
}
