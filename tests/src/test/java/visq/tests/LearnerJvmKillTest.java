package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.learner.CheckpointWriter;
import visq.deploy.node.NodeProcess;
import visq.protocol.artifacts.StepRecord;

/**
 * The learner JVM of a three-JVM cluster (learner node, two rollout nodes, on 127.0.0.1) is killed with SIGKILL
 * after some checkpoints, while the rollout JVMs keep running; a new learner JVM on the same address and checkpoint
 * directory, with {@code visq.learner.resume = on}, rejoins the rollout nodes. Proves that training resumes from
 * the last checkpoint: the ledger holds every step once (steps trained after the checkpoint are trained again,
 * none is skipped), each step trained the same prompts in the same order and reached the same weight version as
 * in a run that was never interrupted, and every GRPO step, also after the restart, trained on rollouts of the
 * learner's own current weights (the rollout nodes must not keep generating with weights the dead learner
 * published after its last checkpoint).
 */
class LearnerJvmKillTest {
    private static final int COLD_START_STEPS = 2;
    private static final int GRPO_STEPS = 10;
    private static final int TOTAL = COLD_START_STEPS + GRPO_STEPS;
    private static final int CHECKPOINT_EVERY = 4;
    private static final Map<String, Object> RUN = Map.of(
            "visq.training.cold-start-steps", COLD_START_STEPS,
            "visq.training.grpo-steps", GRPO_STEPS,
            "visq.training.prompts-per-step", 4,
            "visq.learner.checkpoint-every", CHECKPOINT_EVERY);

    @Test
    void aKilledLearnerResumesFromItsLastCheckpoint() throws Exception {
        List<StepRecord> uninterrupted = uninterruptedRun();

        Path workDir = Files.createTempDirectory("visq-learner-kill");
        int learnerPort = TestClusters.freePort();
        int rollout1Port = TestClusters.freePort();
        int rollout2Port = TestClusters.freePort();
        try (JvmCluster cluster = new JvmCluster(workDir, RUN)) {
            NodeProcess learner = cluster.start("learner", List.of("learner"), learnerPort, List.of(learnerPort));
            NodeProcess rollout1 = cluster.start("rollout-1", List.of("rollout"), rollout1Port, List.of(learnerPort));
            NodeProcess rollout2 = cluster.start("rollout-2", List.of("rollout"), rollout2Port, List.of(learnerPort));
            // Two steps past the checkpoint at step 4: the rollout nodes already hold weights (version 5 or later)
            // that the restarted learner, resuming at version 4, never had.
            cluster.awaitHistory(CHECKPOINT_EVERY + 2, Duration.ofSeconds(90));
            cluster.kill(learner);
            long checkpointed = CheckpointWriter.readLatest(cluster.checkpoints()).getStep();
            int recordedAtKill = cluster.historySize();
            assertTrue(checkpointed == CHECKPOINT_EVERY && recordedAtKill >= CHECKPOINT_EVERY + 2,
                    "expected the kill two steps after the checkpoint at step " + CHECKPOINT_EVERY + ", was "
                            + (recordedAtKill - checkpointed) + " after step " + checkpointed + cluster.diagnostics());

            // Same address: as the first seed node it asks the running rollout nodes to let it in.
            NodeProcess restarted = cluster.start("learner-restarted", List.of("learner"), learnerPort,
                    List.of(learnerPort, rollout1Port, rollout2Port), Map.of("visq.learner.resume", true,
                            // its first join meets the dead incarnation, which the cluster then removes: retry soon
                            "akka.cluster.retry-unsuccessful-join-after", "2s"));
            cluster.awaitCheckpoint(TOTAL, Duration.ofSeconds(90));

            assertEquals(137, learner.exitValue(), "killed by SIGKILL" + cluster.diagnostics());
            assertTrue(rollout1.isAlive() && rollout2.isAlive(), "rollout JVMs survived" + cluster.diagnostics());
            assertTrue(restarted.output().contains("resuming training after step " + checkpointed),
                    "resumed from the checkpoint at step " + checkpointed + cluster.diagnostics());
            TrainingLedger ledger = TrainingLedger.read(cluster.checkpoints());
            ledger.assertStepsOneToTotal(TOTAL);
            for (int i = 0; i < TOTAL; i++) {
                StepRecord expected = uninterrupted.get(i);
                StepRecord actual = ledger.steps().get(i);
                assertEquals(expected.getWeightVersion(), actual.getWeightVersion(), "weight version of step " + (i + 1));
                assertEquals(expected.getSampleIdsList(), actual.getSampleIdsList(), "prompts of step " + (i + 1));
            }
            for (StepRecord record : ledger.grpoSteps()) {
                assertEquals(0, record.getMaxStaleness(), "step " + record.getStep() + " trained rollouts of weight "
                        + "version " + (record.getWeightVersion() - 1 - record.getMaxStaleness()) + ", not its own "
                        + (record.getWeightVersion() - 1) + cluster.diagnostics());
            }
            System.out.printf("learner JVM killed with %d steps recorded; resumed after the checkpoint at step %d;"
                    + " %d step(s) trained again%n", recordedAtKill, checkpointed, recordedAtKill - checkpointed);
        }
    }

    /** The same run, never interrupted, in one JVM with both roles (data order does not depend on the workers). */
    private static List<StepRecord> uninterruptedRun() throws Exception {
        Path workDir = Files.createTempDirectory("visq-learner-uninterrupted");
        int port = TestClusters.freePort();
        try (JvmCluster cluster = new JvmCluster(workDir, RUN)) {
            cluster.start("learner-and-rollout", List.of("learner", "rollout"), port, List.of(port));
            cluster.awaitCheckpoint(TOTAL, Duration.ofSeconds(90));
            TrainingLedger ledger = TrainingLedger.read(cluster.checkpoints());
            ledger.assertStepsOneToTotal(TOTAL);
            return ledger.steps();
        }
    }
}
