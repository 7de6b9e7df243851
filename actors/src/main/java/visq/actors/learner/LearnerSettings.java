package visq.actors.learner;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import visq.gpu.training.AdvantageScaling;
import visq.gpu.training.MethodPreset;

/**
 * Typed settings of the learner, read once from {@code visq.learner}; its training method (the preset and the
 * settings that override it) is {@link MethodSettings}, what it does when it fails is {@link Restarts}.
 */
public record LearnerSettings(String device, MethodSettings method, Path checkpointDirectory, long checkpointEvery,
        boolean resume, CheckpointFailure checkpointFailure, boolean dynamicSampling, double coldStartLearningRate,
        int coldStartWarmupSteps, Restarts restarts) {

    /**
     * How the learner's supervisor restarts it after a failure: after a back-off of {@code minBackoff}, doubled for
     * each failure of a fresh learner before it has run that long, up to {@code maxBackoff}; more than
     * {@code maxRestarts} failures without a step trained in between stop it.
     */
    public record Restarts(int maxRestarts, Duration minBackoff, Duration maxBackoff) {
        public Restarts {
            if (maxRestarts < 0) {
                throw new IllegalArgumentException("visq.learner.max-restarts must be >= 0, got " + maxRestarts);
            }
            if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("visq.learner back-off must be 0 <= min-backoff <= max-backoff, got "
                        + minBackoff + ".." + maxBackoff);
            }
        }
    }

    /** What the learner does when a checkpoint cannot be written ({@code visq.learner.checkpoint-failure}). */
    public enum CheckpointFailure {
        /** Log an error, keep training on the weights in memory, retry the write after every step until one succeeds. */
        CONTINUE,
        /** Log an error and fail the step: the run stops, its newest checkpoint on disk is the last one written. */
        STOP
    }

    public static LearnerSettings fromConfig(Config config) {
        String area = "visq.learner."; // full paths, so that a bad value's error names its key
        return new LearnerSettings(config.getString(area + "device"), MethodSettings.fromConfig(config),
                Path.of(config.getString(area + "checkpoint-dir")), config.getLong(area + "checkpoint-every"),
                config.getBoolean(area + "resume"), config.getEnum(CheckpointFailure.class, area + "checkpoint-failure"),
                config.getBoolean(area + "dynamic-sampling"), config.getDouble(area + "cold-start-learning-rate"),
                config.getInt(area + "cold-start-warmup-steps"), new Restarts(config.getInt(area + "max-restarts"),
                        config.getDuration(area + "min-backoff"), config.getDuration(area + "max-backoff")));
    }

    /** The method preset named by {@code visq.learner.preset}, with every setting that overrides it applied. */
    public MethodPreset methodPreset() {
        return method.preset();
    }

    /** How GRPO advantages are scaled: the preset's, unless {@code visq.learner.advantage-scaling} is set. */
    public AdvantageScaling advantageScaling() {
        return method.preset().advantageScaling();
    }
}
