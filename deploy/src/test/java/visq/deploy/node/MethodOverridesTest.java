package visq.deploy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.learner.LearnerSettings;
import visq.actors.learner.MethodSettings;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.training.AdvantageScaling;

/**
 * Every shipped configuration trains with the G, advantage scaling and sampling it had before the method preset drove
 * them (group-size 6, GROUP_STD, temperature 1.0, top-k 50, top-p 1.0, 96 new tokens), overriding nothing but what
 * it sets on purpose; a {@code --set} override reaches the settings and is reported.
 */
class MethodOverridesTest {

    @Test
    void shippedConfigurationsKeepTheirGroupSizeScalingAndSampling() {
        // multi-node.conf and cluster-tls.conf set no visq.training or visq.learner key (and need VISQ_SEED to resolve)
        for (String name : List.of("local.conf", "light.conf", "ranking.conf")) {
            Config config = NodeLauncher.configure(name, Map.of(), Map.of());
            TrainingSettings training = TrainingSettings.fromConfig(config);
            assertEquals(6, training.groupSize(), name);
            assertEquals(SamplingSettings.sampling(1.0, 50, 1.0, 96), training.sampling(), name);
            LearnerSettings learner = LearnerSettings.fromConfig(config);
            assertEquals(AdvantageScaling.GROUP_STD, learner.advantageScaling(), name);
            assertEquals(1.0, learner.methodPreset().sampling().temperature(), name);
            assertEquals(name.equals("light.conf")
                    ? List.of("visq.learner.grpo-learning-rate = 3.0E-5 overrides preset compact's GRPO learning rate"
                            + " = 1.0E-4")
                    : List.of(), learner.method().overrides(), name);
        }
    }

    @Test
    void aSetGroupSizeOverridesThePresetAndIsReported() {
        Config config = NodeLauncher.configure("local.conf", Map.of("visq.training.group-size", "8"), Map.of());
        assertEquals(8, TrainingSettings.fromConfig(config).groupSize());
        assertEquals(List.of("visq.training.group-size = 8 overrides preset compact's G = 6"),
                MethodSettings.fromConfig(config).overrides());
        Config qInsight = NodeLauncher.configure("local.conf", Map.of("visq.learner.preset", "q-insight"), Map.of());
        assertEquals(8, TrainingSettings.fromConfig(qInsight).groupSize());
    }
}
