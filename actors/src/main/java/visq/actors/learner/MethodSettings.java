package visq.actors.learner;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import visq.gpu.training.AdvantageScaling;
import visq.gpu.training.LossAggregation;
import visq.gpu.training.MethodPreset;
import visq.gpu.training.SamplingConstants;

/**
 * The training method of a run: the preset named by {@code visq.learner.preset}, with the settings that override it.
 * The preset is the one source of G, advantage scaling, the rollouts' temperature, top-k and top-p, the GRPO
 * learning rate, β and loss aggregation; each of the keys below replaces the preset's value when it is set (null or
 * absent: the preset's), and {@link #overrides()} says so, one line per key, for the learner node to log at start. The
 * learner's log-probabilities and the rollouts read the same resolved {@link #preset()}, so they cannot disagree on
 * the temperature.
 *
 * @param preset the named preset with every override applied
 * @param overrides one line per key set, e.g. "visq.training.group-size = 8 overrides preset compact's G = 6"
 */
public record MethodSettings(MethodPreset preset, List<String> overrides) {

    public static final String PRESET = "visq.learner.preset";
    public static final String GROUP_SIZE = "visq.training.group-size";
    public static final String ADVANTAGE_SCALING = "visq.learner.advantage-scaling";
    public static final String TEMPERATURE = "visq.training.sampling.temperature";
    public static final String TOP_K = "visq.training.sampling.top-k";
    public static final String TOP_P = "visq.training.sampling.top-p";
    public static final String LEARNING_RATE = "visq.learner.grpo-learning-rate";
    public static final String BETA = "visq.learner.grpo-beta";
    public static final String LOSS_AGGREGATION = "visq.learner.loss-aggregation";

    public MethodSettings {
        overrides = List.copyOf(overrides);
    }

    public static MethodSettings fromConfig(Config config) {
        String name = config.getString(PRESET);
        if (!MethodPreset.names().contains(name)) {
            throw new IllegalArgumentException(PRESET + ": unknown method preset '" + name + "' (one of "
                    + MethodPreset.names() + ")");
        }
        MethodPreset named = MethodPreset.byName(name);
        Overrides set = new Overrides(config, name);
        int groupSize = set.value(GROUP_SIZE, "G", named.groupSize(), Config::getInt, g -> g >= 2, "at least 2");
        AdvantageScaling scaling = set.value(ADVANTAGE_SCALING, "advantage scaling", named.advantageScaling(),
                (c, key) -> c.getEnum(AdvantageScaling.class, key), s -> true, "");
        SamplingConstants sampling = named.sampling();
        double temperature = set.value(TEMPERATURE, "temperature", sampling.temperature(), Config::getDouble,
                t -> t > 0 && !Double.isInfinite(t), "positive and finite");
        int topK = set.value(TOP_K, "top-k", sampling.topK(), Config::getInt, k -> k >= 0, ">= 0 (0 disables)");
        double topP = set.value(TOP_P, "top-p", sampling.topP(), Config::getDouble, p -> p > 0 && p <= 1,
                "in (0, 1] (1 disables)");
        double learningRate = set.value(LEARNING_RATE, "GRPO learning rate", named.learningRate(), Config::getDouble,
                rate -> rate > 0 && !Double.isInfinite(rate), "positive and finite");
        double beta = set.value(BETA, "β", named.grpo().beta(), Config::getDouble,
                b -> b >= 0 && !Double.isInfinite(b), ">= 0 and finite");
        LossAggregation aggregation = set.value(LOSS_AGGREGATION, "loss aggregation", named.grpo().aggregation(),
                (c, key) -> c.getEnum(LossAggregation.class, key), a -> true, "");
        MethodPreset resolved = named.withGroupSize(groupSize).withAdvantageScaling(scaling)
                .withSampling(new SamplingConstants(temperature, topK, topP, sampling.repetitionPenalty()))
                .withLearningRate(learningRate).withBeta(beta).withLossAggregation(aggregation);
        return new MethodSettings(resolved, set.lines);
    }

    /** Reads the keys that may override the preset, and remembers which did. */
    private static final class Overrides {
        private final Config config;
        private final String presetName;
        private final List<String> lines = new ArrayList<>();

        Overrides(Config config, String presetName) {
            this.config = config;
            this.presetName = presetName;
        }

        /** The value of {@code key} when it is set (and valid), the preset's otherwise. */
        <T> T value(String key, String what, T presetValue, BiFunction<Config, String, T> read, Predicate<T> valid,
                String requirement) {
            if (!config.hasPath(key)) {
                return presetValue;
            }
            T value = read.apply(config, key);
            if (!valid.test(value)) {
                throw new IllegalArgumentException(key + " must be " + requirement + ", got " + value);
            }
            lines.add(key + " = " + value + " overrides preset " + presetName + "'s " + what + " = " + presetValue);
            return value;
        }
    }
}
