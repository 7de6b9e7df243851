package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.deploy.node.NodeProcess;

/**
 * A cluster of three JVMs on 127.0.0.1 (a learner node and two rollout nodes, Akka Cluster over Artery) trains,
 * and one rollout JVM is killed with SIGKILL in the middle of a GRPO step: it leaves no goodbye, its node only
 * becomes unreachable. Proves that training still finishes on the other rollout node, with every step in the
 * ledger once, and that no prompt is lost or trained twice. The part the dead node held is re-dispatched as soon as
 * the node is seen unreachable (seconds), not after the rollout timeout (120 s here, as in production), and its
 * late answer, which never comes, could not have been counted twice.
 */
class RolloutJvmKillTest {
    private static final int GRPO_STEPS = 12;
    private static final int PROMPTS_PER_STEP = 4;
    private static final int TOTAL = 1 + GRPO_STEPS;
    private static final Duration ROLLOUT_TIMEOUT = Duration.ofSeconds(120);
    private static final String REDISPATCH = "re-dispatching rollout part";

    @Test
    void killingARolloutJvmLosesNoPromptAndDuplicatesNone() throws Exception {
        Path workDir = Files.createTempDirectory("visq-rollout-kill");
        int learnerPort = TestClusters.freePort();
        try (JvmCluster cluster = new JvmCluster(workDir, Map.of(
                "visq.training.cold-start-steps", 1,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", PROMPTS_PER_STEP,
                "visq.training.tasks", List.of("degradation"),
                "visq.training.rollout-timeout", ROLLOUT_TIMEOUT.toSeconds() + "s",
                "visq.training.min-workers", 2))) {
            NodeProcess learner = cluster.start("learner", List.of("learner"), learnerPort, List.of(learnerPort));
            NodeProcess survivor = cluster.start("rollout-1", List.of("rollout"), TestClusters.freePort(),
                    List.of(learnerPort));
            NodeProcess victim = cluster.start("rollout-2", List.of("rollout"), TestClusters.freePort(),
                    List.of(learnerPort));

            cluster.awaitHistory(4, Duration.ofSeconds(90));
            LocalTime killedAt = LocalTime.now();
            cluster.kill(victim); // a new step has just been split over both nodes: the victim dies holding a part
            cluster.awaitCheckpoint(TOTAL, Duration.ofSeconds(90));
            double toEnd = secondsSince(killedAt, LocalTime.now());

            assertEquals(137, victim.exitValue(), "killed by SIGKILL" + cluster.diagnostics());
            assertTrue(learner.isAlive() && survivor.isAlive(), "learner and survivor still run" + cluster.diagnostics());
            TrainingLedger ledger = TrainingLedger.read(cluster.checkpoints());
            ledger.assertStepsOneToTotal(TOTAL);
            ledger.assertNoPromptLostOrDuplicated(PROMPTS_PER_STEP, workDir);
            List<String> redispatched = learner.output().lines().filter(l -> l.contains(REDISPATCH)).toList();
            assertTrue(redispatched.size() > 0, "the killed node held no part: nothing was re-dispatched"
                    + cluster.diagnostics());
            assertTrue(redispatched.stream().allMatch(line -> line.endsWith(" left")),
                    "every part was re-dispatched because its worker left, none after a timeout: " + redispatched);
            double toRedispatch = secondsSince(killedAt, LocalTime.parse(redispatched.get(0).substring(0, 12),
                    DateTimeFormatter.ofPattern("HH:mm:ss.SSS")));
            System.out.printf("rollout JVM killed after step 4; %d part(s) re-dispatched %.1f s after the kill; run"
                    + " finished at step %d %.1f s after the kill (rollout timeout %d s)%n", redispatched.size(),
                    toRedispatch, TOTAL, toEnd, ROLLOUT_TIMEOUT.toSeconds());
            assertTrue(toRedispatch < 20, "re-dispatched " + toRedispatch + " s after the kill" + cluster.diagnostics());
            assertTrue(toEnd < 40, "the run ended " + toEnd + " s after the kill" + cluster.diagnostics());
        }
    }

    /** Seconds from {@code start} to {@code end}, two times of day on this machine's clock (across midnight too). */
    private static double secondsSince(LocalTime start, LocalTime end) {
        long nanos = Duration.between(start, end).toNanos();
        return (nanos < 0 ? nanos + Duration.ofDays(1).toNanos() : nanos) / 1e9;
    }
}
