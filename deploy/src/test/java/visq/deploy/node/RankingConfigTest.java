package visq.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.DataSettings;
import visq.actors.coordinator.TrainingSettings;
import visq.gpu.tasks.QualityTask;

/**
 * deploy/conf/ranking.conf, the recipe README's "Model quality" section runs: the local cluster with MobileNetV2
 * features and Kodak crops ranked by severity; every visq setting it sets is one reference.conf declares.
 */
class RankingConfigTest {

    @Test
    void rankingConfigIsTheLocalClusterWithFeaturesAndSeverityRanking() {
        Config config = NodeLauncher.configure("ranking.conf", Map.of(), Map.of());
        assertEquals(List.of("learner", "rollout", "router"), config.getStringList("akka.cluster.roles"));
        assertEquals("mobilenet", config.getString("visq.model.image-features"));
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.SCORE_NUMBER),
                TrainingSettings.fromConfig(config).tasks());
        DataSettings data = DataSettings.fromConfig(config);
        assertEquals(List.of(), data.configurationProblems());
        assertEquals(List.of(QualityTask.DEGRADATION, QualityTask.SCORE_NUMBER), data.datasets().get(0).tasks());
        Config reference = ConfigFactory.defaultReference();
        Config own = ConfigFactory.parseResourcesAnySyntax("ranking.conf");
        own.withOnlyPath("visq").entrySet().forEach(entry -> assertTrue(reference.hasPathOrNull(entry.getKey()),
                "ranking.conf sets " + entry.getKey() + ", which reference.conf does not declare"));
    }
}
