package visq.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.DataSettings;
import visq.actors.coordinator.TrainingRecipe;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.learner.LearnerSettings;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.MethodPreset;

/**
 * The model recipes README's "Model quality" section names: the embedded default (local.conf, and ranking.conf, its
 * earlier name) with MobileNetV2 features and Kodak crops ranked by severity, and light.conf, the earlier default
 * without either, and rl-first.conf, GRPO from a cold start that saw no label. Every visq setting a recipe sets is one
 * reference.conf declares.
 */
class ModelConfigsTest {
    /** Settings whose keys are task ids (TrainingSettings checks them), declared empty or in part in reference.conf. */
    private static final List<String> TASK_KEYED = List.of("visq.training.cold-start-task-shares",
            "visq.training.grpo-task-shares", "visq.training.dataset-weights");

    @Test
    void theDefaultTrainsWithFeaturesAndSeverityRanking() {
        for (String name : List.of("local.conf", "ranking.conf")) {
            Config config = NodeLauncher.configure(name, Map.of(), Map.of());
            assertEquals(List.of("learner", "rollout", "router"), config.getStringList("akka.cluster.roles"), name);
            assertEquals("mobilenet-and-estimates", config.getString("visq.model.image-features"), name);
            assertEquals("ridge", config.getString("visq.model.quality-prior"), name);
            TrainingSettings training = TrainingSettings.fromConfig(config);
            assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.SCORE_NUMBER),
                    training.tasks(), name);
            assertEquals(3000, training.grpoSteps(), name);
            assertEquals(1e-4, LearnerSettings.fromConfig(config).methodPreset().learningRate(), name);
            DataSettings data = DataSettings.fromConfig(config);
            assertEquals(List.of(), data.configurationProblems(), name);
            assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.SCORE_NUMBER),
                    data.datasets().get(0).tasks(), name);
            assertEquals(0.15, training.datasetWeights().of(QualityTask.SCORE, "kodak-degraded"), name);
            assertEquals(1.0, training.datasetWeights().of(QualityTask.SCORE_NUMBER, "kodak-degraded"), name);
        }
    }

    @Test
    void lightIsTheEarlierDefaultWithoutFeaturesOrRanking() {
        Config config = NodeLauncher.configure("light.conf", Map.of(), Map.of());
        assertEquals(List.of("learner", "rollout", "router"), config.getStringList("akka.cluster.roles"));
        assertEquals("none", config.getString("visq.model.image-features"));
        assertEquals("none", config.getString("visq.model.quality-prior"));
        TrainingSettings training = TrainingSettings.fromConfig(config);
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE), training.tasks());
        assertEquals(300, training.grpoSteps());
        // 3e-5: the compact preset's GRPO rate in sessions 1–4 (git history of MethodPreset.compact)
        assertEquals(MethodPreset.compact().withLearningRate(3e-5), LearnerSettings.fromConfig(config).methodPreset());
        DataSettings data = DataSettings.fromConfig(config);
        assertEquals(List.of(), data.configurationProblems());
        assertEquals(List.of(QualityTask.DEGRADATION), data.datasets().get(0).tasks());
        assertEquals(0, data.prepareAheadThreads());
    }

    @Test
    void rlFirstWithholdsTheLabelsAndConstrainsTheRollouts() {
        Config config = NodeLauncher.configure("rl-first.conf", Map.of(), Map.of());
        TrainingSettings training = TrainingSettings.fromConfig(config);
        assertEquals(TrainingRecipe.RL_FIRST, training.recipe());
        // no frozen prior: QualityPriorFit refuses one under rl-first, since it is fit to the MOS
        assertEquals("none", config.getString("visq.model.quality-prior"));
        assertEquals(1000, training.coldStartSteps());
        assertEquals(3000, training.grpoSteps());
        assertTrue(training.sampling().constrainedAnswers());
        assertEquals(MethodPreset.compact().withLearningRate(5e-4), LearnerSettings.fromConfig(config).methodPreset());
        // the degradation task on two steps of every four: degradation, score, degradation, score-number
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.DEGRADATION,
                QualityTask.SCORE_NUMBER), training.grpoTurn().order());
        assertEquals(List.of(), DataSettings.fromConfig(config).configurationProblems());
    }

    @Test
    void everySettingARecipeSetsIsDeclared() {
        Config reference = ConfigFactory.defaultReference();
        for (String name : List.of("local.conf", "light.conf", "ranking.conf", "rl-first.conf")) {
            Config own = ConfigFactory.parseResourcesAnySyntax(name);
            own.withOnlyPath("visq").entrySet().forEach(entry -> assertTrue(reference.hasPathOrNull(entry.getKey())
                    || TASK_KEYED.stream().anyMatch(map -> entry.getKey().startsWith(map + ".")),
                    name + " sets " + entry.getKey() + ", which reference.conf does not declare"));
        }
    }
}
