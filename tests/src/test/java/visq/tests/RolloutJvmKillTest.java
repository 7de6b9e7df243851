package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.deploy.node.NodeProcess;

/**
 * A cluster of three JVMs on 127.0.0.1 (a learner node and two rollout nodes, Akka Cluster over Artery) trains,
 * and one rollout JVM is killed with SIGKILL in the middle of a GRPO step: it leaves no goodbye, its node only
 * becomes unreachable. Proves that training still finishes on the other rollout node, with every step in the
 * ledger once, and that no prompt is lost or trained twice: the part the dead node held is re-dispatched
 * after the rollout timeout and its late answer, which never comes, could not have been counted twice.
 */
class RolloutJvmKillTest {
    private static final int GRPO_STEPS = 12;
    private static final int PROMPTS_PER_STEP = 4;
    private static final int TOTAL = 1 + GRPO_STEPS;

    @Test
    void killingARolloutJvmLosesNoPromptAndDuplicatesNone() throws Exception {
        Path workDir = Files.createTempDirectory("visq-rollout-kill");
        int learnerPort = TestClusters.freePort();
        try (JvmCluster cluster = new JvmCluster(workDir, Map.of(
                "visq.training.cold-start-steps", 1,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", PROMPTS_PER_STEP,
                "visq.training.tasks", List.of("degradation"),
                "visq.training.rollout-timeout", "4s",
                "visq.training.min-workers", 2))) {
            NodeProcess learner = cluster.start("learner", List.of("learner"), learnerPort, List.of(learnerPort));
            NodeProcess survivor = cluster.start("rollout-1", List.of("rollout"), TestClusters.freePort(),
                    List.of(learnerPort));
            NodeProcess victim = cluster.start("rollout-2", List.of("rollout"), TestClusters.freePort(),
                    List.of(learnerPort));

            cluster.awaitHistory(4, Duration.ofSeconds(90));
            cluster.kill(victim); // a new step has just been split over both nodes: the victim dies holding a part
            cluster.awaitCheckpoint(TOTAL, Duration.ofSeconds(90));

            assertEquals(137, victim.exitValue(), "killed by SIGKILL" + cluster.diagnostics());
            assertTrue(learner.isAlive() && survivor.isAlive(), "learner and survivor still run" + cluster.diagnostics());
            TrainingLedger ledger = TrainingLedger.read(cluster.checkpoints());
            ledger.assertStepsOneToTotal(TOTAL);
            ledger.assertNoPromptLostOrDuplicated(PROMPTS_PER_STEP, workDir);
            long redispatched = learner.output().lines().filter(l -> l.contains("re-dispatching rollout part")).count();
            assertTrue(redispatched > 0, "the killed node held no part: nothing was re-dispatched" + cluster.diagnostics());
            System.out.printf("rollout JVM killed after step 4; %d part(s) re-dispatched; run finished at step %d%n",
                    redispatched, TOTAL);
        }
    }
}
