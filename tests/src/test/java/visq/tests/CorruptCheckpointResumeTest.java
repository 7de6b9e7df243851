package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.Learner;
import visq.actors.learner.TrainingHistory;
import visq.protocol.artifacts.StepRecord;

/**
 * A finished run's newest checkpoint is damaged on disk (its weights file cut in half, as a full disk or a crash
 * during a copy leaves it). A node started with {@code visq.learner.resume = on} does not crash: it logs an error
 * naming the damaged file, sets that checkpoint's files aside, resumes from the previous intact checkpoint and trains
 * the steps after it again, ending with the same history and the same weights as the undamaged run.
 */
class CorruptCheckpointResumeTest {
    private static final int COLD_START_STEPS = 12;
    private static final int GRPO_STEPS = 2;
    private static final int TOTAL = COLD_START_STEPS + GRPO_STEPS;

    @Test
    void aTruncatedNewestCheckpointResumesFromThePreviousOne() throws Exception {
        Path workDir = Files.createTempDirectory("visq-corrupt-checkpoint");
        Path checkpoints = workDir.resolve("checkpoints");
        runToEnd(workDir, false, () -> true);
        List<StepRecord> undamagedHistory = TrainingHistory.read(checkpoints);
        String undamagedWeights = CheckpointWriter.readLatest(checkpoints).getSha256();
        Path newest = checkpoints.resolve(CheckpointWriter.readLatest(checkpoints).getWeightsFile());
        assertEquals("weights-v000014.pb", newest.getFileName().toString());
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(bytes, bytes.length / 2));

        List<ILoggingEvent> errors;
        try (LogCapture learnerLog = LogCapture.of(Learner.class);
                LogCapture coordinatorLog = LogCapture.of(TrainingCoordinator.class)) {
            // the damaged run's history and metadata already say step 14: wait for the resumed run's own end
            runToEnd(workDir, true, () -> !coordinatorLog.containing("training finished at step " + TOTAL).isEmpty());
            errors = learnerLog.containing("damaged").stream().filter(e -> e.getLevel() == Level.ERROR).toList();
            assertEquals(1, learnerLog.containing("resumed step 12 (weight version 12) from meta-v000012.pb").size(),
                    "resumed from the checkpoint before the damaged one");
        }
        assertEquals(1, errors.size(), "one error for the damaged checkpoint: " + errors);
        assertTrue(errors.get(0).getFormattedMessage().contains("weights-v000014.pb"),
                "the error names the damaged file: " + errors.get(0).getFormattedMessage());
        assertTrue(Files.exists(checkpoints.resolve("weights-v000014.pb.corrupt")), "the damaged file is kept aside");

        List<StepRecord> resumedHistory = TrainingHistory.read(checkpoints);
        assertEquals(TOTAL, resumedHistory.size(), "steps 13 and 14 recorded once, after the resume");
        for (int i = 0; i < TOTAL; i++) {
            assertEquals(i + 1, resumedHistory.get(i).getStep());
            assertEquals(undamagedHistory.get(i).getSampleIdsList(), resumedHistory.get(i).getSampleIdsList(),
                    "samples of step " + (i + 1));
        }
        assertEquals(TOTAL, CheckpointWriter.readLatest(checkpoints).getStep());
        assertEquals(undamagedWeights, CheckpointWriter.readLatestWeights(checkpoints).sha256(),
                "the steps trained again end at the same weights");
    }

    private static void runToEnd(Path workDir, boolean resume, CheckpointFiles.Condition finished) throws Exception {
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", COLD_START_STEPS,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.learner.checkpoint-every", 4,
                "visq.learner.resume", resume));
        ActorSystem<Void> node = TestClusters.startTrainingNode(run);
        try {
            CheckpointFiles.await(Duration.ofSeconds(120), "the end of the run", finished);
            CheckpointFiles.awaitHistory(workDir.resolve("checkpoints"), TOTAL, Duration.ofSeconds(60));
            CheckpointFiles.awaitCheckpoint(workDir.resolve("checkpoints"), TOTAL, Duration.ofSeconds(60));
        } finally {
            TestClusters.stop(node);
        }
    }
}
