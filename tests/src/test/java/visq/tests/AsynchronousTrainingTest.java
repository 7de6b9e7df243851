package visq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;
import visq.protocol.artifacts.StepRecord;

/**
 * Synchronous training (max-staleness 0) does not depend on how many workers generate (seeds belong to prompts,
 * not to workers, and groups are trained in prompt order): the same seed gives the same weights; asynchronous training never trains on a rollout more
 * than max-staleness versions old.
 */
class AsynchronousTrainingTest {
    private static final int GRPO_STEPS = 6;
    private static final int SYNC_COLD_START_STEPS = 20;

    /**
     * With max-staleness 0, one worker and two workers visit the same prompts in every step (seeded plans) and end
     * with bit-identical weights (each prompt's sampling seed is fixed by the plan; PyTorch runs one thread per
     * caller; scalars in the autograd graph live in PyTorch memory, see {@code ScalarArrays}).
     */
    @Test
    void synchronousTrainingGivesTheSameWeightsWithOneOrTwoWorkers() throws Exception {
        Path one = Files.createTempDirectory("visq-sync-one");
        Path two = Files.createTempDirectory("visq-sync-two");
        train(one, List.of("cpu"), 0, SYNC_COLD_START_STEPS);
        train(two, List.of("cpu", "cpu"), 0, SYNC_COLD_START_STEPS);
        List<StepRecord> oneHistory = TrainingHistory.read(one.resolve("checkpoints"));
        List<StepRecord> twoHistory = TrainingHistory.read(two.resolve("checkpoints"));
        assertEquals(SYNC_COLD_START_STEPS + GRPO_STEPS, oneHistory.size());
        assertEquals(oneHistory.size(), twoHistory.size());
        for (int i = 0; i < oneHistory.size(); i++) {
            assertEquals(oneHistory.get(i).getSampleIdsList(), twoHistory.get(i).getSampleIdsList(),
                    "prompts of step " + (i + 1) + ", in prompt order");
        }
        String finalWeights = String.format("weights-v%06d.pb", SYNC_COLD_START_STEPS + GRPO_STEPS);
        assertArrayEquals(Files.readAllBytes(one.resolve("checkpoints").resolve(finalWeights)),
                Files.readAllBytes(two.resolve("checkpoints").resolve(finalWeights)),
                "final weights of one worker vs two workers");
        for (List<StepRecord> history : List.of(oneHistory, twoHistory)) {
            for (StepRecord record : history) {
                assertEquals(0, record.getMaxStaleness(), "synchronous steps train on-policy rollouts");
            }
        }
    }

    @Test
    void asynchronousTrainingRespectsMaxStaleness() throws Exception {
        Path workDir = Files.createTempDirectory("visq-async");
        var metadata = train(workDir, List.of("cpu", "cpu"), 1, 2);
        assertEquals(2 + GRPO_STEPS, metadata.getWeightVersion());
        List<StepRecord> history = TrainingHistory.read(workDir.resolve("checkpoints"));
        assertEquals(2 + GRPO_STEPS, history.size());
        for (StepRecord record : history) {
            assertTrue(record.getMaxStaleness() <= 1,
                    "step " + record.getStep() + " trained a rollout " + record.getMaxStaleness() + " versions old");
        }
    }

    private static visq.protocol.artifacts.CheckpointMetadata train(Path workDir, List<String> devices,
            int maxStaleness, int coldStartSteps) throws Exception {
        int total = coldStartSteps + GRPO_STEPS;
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", coldStartSteps,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", 4,
                "visq.training.max-staleness", maxStaleness,
                "visq.rollout.devices", devices));
        int port = TestClusters.freePort();
        ActorSystem<Void> node = TestClusters.startNode(run, "\"learner\", \"rollout\"", port, port, 0);
        Path checkpoints = workDir.resolve("checkpoints");
        try {
            CheckpointFiles.awaitCheckpoint(checkpoints, total, Duration.ofSeconds(180));
            return CheckpointWriter.readLatest(checkpoints);
        } finally {
            node.terminate();
            node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
