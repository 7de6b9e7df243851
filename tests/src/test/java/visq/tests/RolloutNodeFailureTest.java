package visq.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import visq.actors.coordinator.TrainingCoordinator;

/**
 * One of two rollout nodes goes away in the middle of GRPO (its actor system is terminated while it holds a part
 * of a step; the node leaves the cluster): the coordinator sees its worker leave the listing and re-dispatches the
 * part at once, long before the rollout timeout (set to 120 s here, as in production), training finishes on the
 * remaining node, and the ledger of trained prompts shows every prompt of each epoch trained exactly once, none
 * lost and none twice.
 */
class RolloutNodeFailureTest {
    private static final int GRPO_STEPS = 12;
    private static final int PROMPTS_PER_STEP = 4;
    private static final int TOTAL = 1 + GRPO_STEPS;
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aLostRolloutNodeLosesNoPromptAndDuplicatesNone() throws Exception {
        Path workDir = Files.createTempDirectory("visq-rollout-failure");
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", 1,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", PROMPTS_PER_STEP,
                "visq.training.tasks", List.of("degradation"),
                "visq.training.rollout-timeout", ROLLOUT_TIMEOUT.toSeconds() + "s",
                "visq.training.min-workers", 2));
        int seedPort = TestClusters.freePort();
        ActorSystem<Void> learner = TestClusters.startNode(run, "\"learner\"", seedPort, seedPort, 0);
        ActorSystem<Void> survivor = TestClusters.startNode(run, "\"rollout\"", TestClusters.freePort(), seedPort, 0);
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ActorSystem<Void> victim = TestClusters.startNode(run, "\"rollout\"", TestClusters.freePort(), seedPort, 0,
                (workerId, model) -> new StallingModel(model, armed, stalled, release));
        Path checkpoints = workDir.resolve("checkpoints");
        double toRedispatch;
        double toEnd;
        try (LogCapture coordinatorLog = LogCapture.of(TrainingCoordinator.class)) {
            CheckpointFiles.awaitHistory(checkpoints, 4, Duration.ofSeconds(180));
            // every step is split over both nodes until the victim's worker leaves the listing; its device stalls on
            // its next part, so it leaves holding one
            armed.set(true);
            assertTrue(stalled.await(60, TimeUnit.SECONDS), "the victim was given no further part");
            long stoppedAt = System.currentTimeMillis();
            victim.terminate();
            // the stalled part stays unanswered until the coordinator has re-dispatched it: released at once, the
            // victim's device could still answer it while its system shuts down (terminate is asynchronous)
            List<ILoggingEvent> redispatches = coordinatorLog.awaitContaining("re-dispatching rollout part",
                    Duration.ofSeconds(60));
            release.countDown();
            assertFalse(redispatches.isEmpty(), "the stopped node held no part: nothing was re-dispatched");
            CheckpointFiles.awaitCheckpoint(checkpoints, TOTAL, ROLLOUT_TIMEOUT);
            toEnd = (System.currentTimeMillis() - stoppedAt) / 1000.0;
            redispatches = coordinatorLog.containing("re-dispatching rollout part");
            assertTrue(redispatches.stream().allMatch(line -> line.getFormattedMessage().contains(" left")),
                    "every part was re-dispatched because its worker left, none after a timeout: " + redispatches);
            toRedispatch = (redispatches.get(0).getTimeStamp() - stoppedAt) / 1000.0;
        } finally {
            release.countDown();
            for (ActorSystem<?> system : List.of(victim, survivor, learner)) {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
        System.out.printf("rollout node stopped after step 4: its part re-dispatched %.1f s later, run finished %.1f s"
                + " later (rollout timeout %d s)%n", toRedispatch, toEnd, ROLLOUT_TIMEOUT.toSeconds());
        assertTrue(toRedispatch < 15, "re-dispatched " + toRedispatch + " s after the node was stopped");
        assertTrue(toEnd < 40, "the run ended " + toEnd + " s after the node was stopped");
        TrainingLedger ledger = TrainingLedger.read(checkpoints);
        ledger.assertStepsOneToTotal(TOTAL);
        ledger.assertNoPromptLostOrDuplicated(PROMPTS_PER_STEP, workDir);
    }
}
