package visq.actors.learner;

import com.typesafe.config.Config;
import java.nio.file.Path;
import visq.gpu.training.AdvantageScaling;

/** Typed settings of the learner, read once from {@code visq.learner}. */
public record LearnerSettings(String device, String preset, Path checkpointDirectory, long checkpointEvery,
        boolean resume, AdvantageScaling advantageScaling, boolean dynamicSampling, double coldStartLearningRate,
        int coldStartWarmupSteps) {

    public static LearnerSettings fromConfig(Config config) {
        Config c = config.getConfig("visq.learner");
        return new LearnerSettings(c.getString("device"), c.getString("preset"),
                Path.of(c.getString("checkpoint-dir")), c.getLong("checkpoint-every"), c.getBoolean("resume"),
                c.getEnum(AdvantageScaling.class, "advantage-scaling"), c.getBoolean("dynamic-sampling"),
                c.getDouble("cold-start-learning-rate"), c.getInt("cold-start-warmup-steps"));
    }
}
