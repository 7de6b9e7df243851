package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.coordinator.TrainingData;
import visq.actors.coordinator.TrainingSettings;
import visq.gpu.tasks.QualityTask;

/**
 * The default's Kodak crops serve the bare-number task as ranking blocks of the run's prompts per step; a run that
 * does not train that task (QwenLoraTrainingTest: score only, 8 prompts a step, more than a chain's 6 crops) must not
 * have them cut, and a run that trains it with blocks longer than a chain is refused naming the chain.
 */
class RankingBlocksForTrainedTasksTest {
    private static final Path SHARED =
            Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();

    private static Config run(String tasks) {
        return ConfigFactory.parseMap(Map.of("visq.data.shared-dir", SHARED.toString(),
                        "visq.data.work-dir", Path.of("target/visq-data").toAbsolutePath().toString(),
                        "visq.data.prepare-ahead-threads", 0, "visq.model.image-features", "none",
                        "visq.training.prompts-per-step", 8))
                .withFallback(ConfigFactory.parseString("visq.training.tasks = " + tasks))
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void aTaskTheRunDoesNotTrainGetsNoBlocks() {
        // the default's Kodak crops serve both score tasks as blocks; a run training the degradation task alone with
        // blocks longer than a chain would be refused if they were cut
        Config config = run("[degradation]");
        TrainingData data = TrainingCorpus.load(DataSettings.fromConfig(config))
                .trainingData(TrainingSettings.fromConfig(config));
        for (QualityTask task : List.of(QualityTask.SCORE, QualityTask.SCORE_NUMBER)) {
            assertEquals(List.of(), data.datasets(task).stream()
                    .filter(d -> d.dataset().equals("kodak-degraded")).toList(), task.id());
        }
        assertTrue(data.prompts(QualityTask.DEGRADATION).size() > 0);
    }

    @Test
    void blocksLongerThanAChainAreRefusedNamingIt() {
        Config config = run("[score-number]");
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> corpus.trainingData(TrainingSettings.fromConfig(config)));
        // a chain: one source crop and class, 5 severities plus the clean crop (DegradationSet)
        assertTrue(e.getMessage().contains("has 6 crops, fewer than a block of 8"), e.getMessage());
        assertTrue(e.getMessage().contains("dataset kodak-degraded serves task score-number as ranking blocks"),
                e.getMessage());
        assertTrue(e.getMessage().contains("lower prompts-per-step"), e.getMessage());
    }
}
