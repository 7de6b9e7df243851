package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import visq.protocol.artifacts.StepRecord;

/**
 * Ranking without opinion scores through a real training cluster: the generated Kodak crops serve the bare-number
 * score task beside CLIVE; the ledger shows the cold start never trains a crop (CLIVE only), and every GRPO step
 * takes either CLIVE photos or one severity block (one source crop, one class and possibly its clean crop), which is
 * what lets the fidelity reward compare the crops' severity proxy.
 */
class SeverityRankingTrainingTest {
    private static final int COLD_START = 2;
    private static final int GRPO = 8;

    @Test
    void eachGrpoStepRanksOneBlockOrTrainsPhotos() throws Exception {
        Path workDir = Files.createTempDirectory("visq-severity-ranking");
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.data.datasets", List.of(
                        Map.of("name", "kodak-degraded", "format", "generated-degradations",
                                "images", "{shared}/data/kodak", "tasks", List.of("degradation", "score-number")),
                        Map.of("name", "clive", "format", "csv", "images", "{shared}/data/clive",
                                "labels", "{shared}/data/clive/mos.csv", "tasks", List.of("score-number"))),
                "visq.training.tasks", List.of("score-number"),
                "visq.training.cold-start-steps", COLD_START,
                "visq.training.grpo-steps", GRPO,
                "visq.training.prompts-per-step", 4));
        Path checkpoints = workDir.resolve("checkpoints");
        ActorSystem<Void> node = TestClusters.startTrainingNode(run);
        try {
            CheckpointFiles.awaitCheckpoint(checkpoints, COLD_START + GRPO, Duration.ofSeconds(180));
        } finally {
            TestClusters.stop(node);
        }
        TrainingLedger ledger = TrainingLedger.read(checkpoints);
        ledger.assertStepsOneToTotal(COLD_START + GRPO);
        int blocks = 0;
        for (StepRecord step : ledger.steps()) {
            List<String> ids = step.getSampleIdsList();
            boolean grpo = step.getPhase().equals("GRPO");
            if (!grpo) {
                assertTrue(ids.stream().allMatch(id -> id.startsWith("clive/")), "cold start: photos only " + ids);
                continue;
            }
            assertEquals(4, ids.size(), "step " + step.getStep());
            if (ids.get(0).startsWith("clive/")) {
                assertTrue(ids.stream().allMatch(id -> id.startsWith("clive/")), "one dataset a step: " + ids);
                continue;
            }
            blocks++;
            Set<String> crops = new HashSet<>();
            Set<String> classes = new HashSet<>();
            for (String id : ids) {
                String[] parts = id.split("/"); // kodak-degraded/<source>/<crop>/<class>-<severity> or .../none
                assertEquals("kodak-degraded", parts[0], id);
                crops.add(parts[1] + "/" + parts[2]);
                if (!parts[3].equals("none")) {
                    classes.add(parts[3].substring(0, parts[3].indexOf('-')));
                }
            }
            assertEquals(1, crops.size(), "one source crop in step " + step.getStep() + ": " + ids);
            assertEquals(1, classes.size(), "one class in step " + step.getStep() + ": " + ids);
            assertEquals(4, new HashSet<>(ids).size(), "four different crops: " + ids);
        }
        // 3 training sources x 1 crop x 4 classes = 12 chains of 6, 2 blocks each: 96 prompts against 12 photos, so
        // the share-walked rule takes blocks in most GRPO steps
        assertTrue(blocks >= GRPO / 2, blocks + " of " + GRPO + " GRPO steps ranked a block");
    }
}
