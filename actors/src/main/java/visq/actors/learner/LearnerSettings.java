package visq.actors.learner;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.OptionalDouble;
import visq.gpu.training.AdvantageScaling;
import visq.gpu.training.MethodPreset;

/**
 * Typed settings of the learner, read once from {@code visq.learner}. {@code grpoLearningRate} and {@code grpoBeta}
 * replace the preset's values when set.
 */
public record LearnerSettings(String device, String preset, Path checkpointDirectory, long checkpointEvery,
        boolean resume, CheckpointFailure checkpointFailure, AdvantageScaling advantageScaling,
        boolean dynamicSampling, double coldStartLearningRate, int coldStartWarmupSteps,
        OptionalDouble grpoLearningRate, OptionalDouble grpoBeta) {

    /** What the learner does when a checkpoint cannot be written ({@code visq.learner.checkpoint-failure}). */
    public enum CheckpointFailure {
        /** Log an error, keep training on the weights in memory, retry the write after every step until one succeeds. */
        CONTINUE,
        /** Log an error and fail the step: the run stops, its newest checkpoint on disk is the last one written. */
        STOP
    }

    public static LearnerSettings fromConfig(Config config) {
        Config c = config.getConfig("visq.learner");
        return new LearnerSettings(c.getString("device"), c.getString("preset"),
                Path.of(c.getString("checkpoint-dir")), c.getLong("checkpoint-every"), c.getBoolean("resume"),
                c.getEnum(CheckpointFailure.class, "checkpoint-failure"),
                c.getEnum(AdvantageScaling.class, "advantage-scaling"), c.getBoolean("dynamic-sampling"),
                c.getDouble("cold-start-learning-rate"), c.getInt("cold-start-warmup-steps"),
                optionalDouble(c, "grpo-learning-rate"), optionalDouble(c, "grpo-beta"));
    }

    /** The method preset named by {@code preset}, with the learning rate and β set here, if any. */
    public MethodPreset methodPreset() {
        MethodPreset named = MethodPreset.byName(preset);
        if (grpoLearningRate.isPresent()) {
            named = named.withLearningRate(grpoLearningRate.getAsDouble());
        }
        if (grpoBeta.isPresent()) {
            named = named.withBeta(grpoBeta.getAsDouble());
        }
        return named;
    }

    private static OptionalDouble optionalDouble(Config c, String path) {
        return c.hasPath(path) ? OptionalDouble.of(c.getDouble(path)) : OptionalDouble.empty();
    }
}
