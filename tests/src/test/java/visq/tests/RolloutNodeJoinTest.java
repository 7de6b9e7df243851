package visq.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.deploy.node.NodeProcess;

/**
 * Elastic membership with separate JVMs on 127.0.0.1: training starts with a learner node and one rollout node,
 * and a second rollout JVM joins while GRPO steps run. Proves that the joining node receives the newest weights
 * and rollout parts (its own log shows the parts it generated) and that growing the cluster mid-run loses no
 * prompt and duplicates none. Throughput with one versus two rollout nodes is measured by {@code visq bench}
 * ({@code --only elastic}), never asserted here.
 */
class RolloutNodeJoinTest {
    // Enough steps for a JVM started after the first one to join and load its model on a loaded 2-core machine: at 13
    // (0.2-0.7 s each) the run ended 1 s after the joiner's JVM wrote its first line (CI beside an evaluation, session
    // 12), so the joiner generated no part. 12 Kodak sources give 189 training prompts, enough for the run's 168 in one
    // pass (4 give 63).
    private static final int GRPO_STEPS = 40;
    private static final int KODAK_SOURCES = 12;
    private static final int PROMPTS_PER_STEP = 4;
    private static final int TOTAL = 1 + GRPO_STEPS;
    private static final String PART_GENERATED = "generated part";

    @Test
    void aRolloutNodeJoiningDuringTrainingReceivesParts() throws Exception {
        Path workDir = Files.createTempDirectory("visq-rollout-join");
        int learnerPort = TestClusters.freePort();
        Map<String, Object> run = Map.of(
                "visq.training.cold-start-steps", 1,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", PROMPTS_PER_STEP,
                "visq.training.tasks", List.of("degradation"),
                "visq.data.kodak-sources", KODAK_SOURCES,
                "visq.training.min-workers", 1);
        try (JvmCluster cluster = new JvmCluster(workDir, run)) {
            cluster.start("learner", List.of("learner"), learnerPort, List.of(learnerPort));
            NodeProcess first = cluster.start("rollout-1", List.of("rollout"), TestClusters.freePort(),
                    List.of(learnerPort));
            cluster.awaitHistory(2, Duration.ofSeconds(90)); // the cold start and a first GRPO step
            NodeProcess joiner = cluster.start("rollout-2", List.of("rollout"), TestClusters.freePort(),
                    List.of(learnerPort));
            int stepsBeforeJoin = cluster.historySize();
            cluster.awaitCheckpoint(TOTAL, Duration.ofSeconds(180));

            long joinerParts = partsGenerated(joiner);
            long firstParts = partsGenerated(first);
            assertTrue(stepsBeforeJoin < TOTAL - 4, "the node joined with steps to spare" + cluster.diagnostics());
            assertTrue(joinerParts > 0, "the joining node generated no part" + cluster.diagnostics());
            TrainingLedger ledger = TrainingLedger.read(cluster.checkpoints());
            ledger.assertStepsOneToTotal(TOTAL);
            ledger.assertNoPromptLostOrDuplicated(PROMPTS_PER_STEP, workDir, run);
            System.out.printf("second rollout JVM started after step %d of %d; parts generated: first node %d, "
                    + "joining node %d%n", stepsBeforeJoin, TOTAL, firstParts, joinerParts);
        }
    }

    private static long partsGenerated(NodeProcess node) {
        return node.output().lines().filter(line -> line.contains(PART_GENERATED)).count();
    }
}
