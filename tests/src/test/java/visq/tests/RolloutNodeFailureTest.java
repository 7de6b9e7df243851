package visq.tests;


import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One of two rollout nodes goes away in the middle of training (its actor system is terminated while it
 * may hold a part of a step): the part is re-dispatched after the rollout timeout, training finishes on
 * the remaining node, and the ledger of trained prompts shows every prompt of each epoch trained exactly
 * once, none lost and none twice.
 */
class RolloutNodeFailureTest {
    private static final int GRPO_STEPS = 12;
    private static final int PROMPTS_PER_STEP = 4;
    private static final int TOTAL = 1 + GRPO_STEPS;

    @Test
    void aLostRolloutNodeLosesNoPromptAndDuplicatesNone() throws Exception {
        Path workDir = Files.createTempDirectory("visq-rollout-failure");
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", 1,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", PROMPTS_PER_STEP,
                "visq.training.tasks", List.of("degradation"),
                "visq.training.rollout-timeout", "4s",
                "visq.training.min-workers", 2));
        int seedPort = TestClusters.freePort();
        ActorSystem<Void> learner = TestClusters.startNode(run, "\"learner\"", seedPort, seedPort, 0);
        ActorSystem<Void> survivor = TestClusters.startNode(run, "\"rollout\"", TestClusters.freePort(), seedPort, 0);
        ActorSystem<Void> victim = TestClusters.startNode(run, "\"rollout\"", TestClusters.freePort(), seedPort, 0);
        Path checkpoints = workDir.resolve("checkpoints");
        try {
            CheckpointFiles.awaitHistory(checkpoints, 4, Duration.ofSeconds(180));
            victim.terminate(); // mid-run: the next parts sent to it are never answered
            CheckpointFiles.awaitCheckpoint(checkpoints, TOTAL, Duration.ofSeconds(240));
        } finally {
            for (ActorSystem<?> system : List.of(victim, survivor, learner)) {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
        TrainingLedger ledger = TrainingLedger.read(checkpoints);
        ledger.assertStepsOneToTotal(TOTAL);
        ledger.assertNoPromptLostOrDuplicated(PROMPTS_PER_STEP, workDir);
    }
}
