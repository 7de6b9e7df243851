package visq.actors.reward;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.DoublePredicate;
import visq.gpu.rewards.DegradationReward;
import visq.gpu.rewards.FidelityReward;
import visq.gpu.rewards.FidelitySettings;
import visq.gpu.rewards.FidelityVariant;
import visq.gpu.rewards.QInsightDegradationReward;
import visq.gpu.rewards.QInsightRankingScoreReward;
import visq.gpu.rewards.QInsightScoreReward;
import visq.gpu.rewards.ScoreThresholdReward;
import visq.gpu.rewards.TaskRewardFunction;
import visq.gpu.rewards.TaskRewardRegistry;
import visq.gpu.rewards.UnparsableScoreHandling;
import visq.gpu.rewards.VisualQualityR1Reward;

/**
 * Typed settings of the rewards (method.md §2), read once from {@code visq.rewards}; the defaults are the papers'
 * constants. A bad value is an {@link IllegalArgumentException} that names its key.
 *
 * @param scoreThreshold ε of Q-Insight's score reward
 * @param degradationClassWeight α1 of Q-Insight's degradation reward
 * @param degradationSeverityWeight α2 of Q-Insight's degradation reward
 * @param fidelity VisualQuality-R1's fidelity reward: variant, γ, what an unparsable score does
 */
public record RewardSettings(double scoreThreshold, double degradationClassWeight, double degradationSeverityWeight,
        FidelitySettings fidelity) {

    private static final String PATH = "visq.rewards";
    private static final DoublePredicate POSITIVE = v -> v > 0 && Double.isFinite(v);
    private static final DoublePredicate NON_NEGATIVE = v -> v >= 0 && Double.isFinite(v);

    public static RewardSettings fromConfig(Config config) {
        Config c = config.getConfig(PATH);
        double low = number(c, "fidelity.random-score-low", Double::isFinite, "finite");
        double high = number(c, "fidelity.random-score-high", v -> Double.isFinite(v) && v > low,
                "finite and above fidelity.random-score-low (" + low + ")");
        long seed = read(c, "fidelity.random-score-seed", Config::getLong);
        FidelitySettings fidelity = new FidelitySettings(
                constant(c, "fidelity.unparsable", UnparsableScoreHandling.class),
                constant(c, "fidelity.variant", FidelityVariant.class),
                number(c, "fidelity.gamma", POSITIVE, "positive and finite"),
                low, high, seed);
        return new RewardSettings(
                number(c, "score-threshold", POSITIVE, "positive and finite"),
                number(c, "degradation.class-weight", NON_NEGATIVE, "finite and >= 0"),
                number(c, "degradation.severity-weight", NON_NEGATIVE, "finite and >= 0"),
                fidelity);
    }

    /**
     * The reward of every task trained with rewards, as these settings configure them; the score task's ranking
     * blocks (a generated set serving it) are rewarded by the fidelity reward in its answer format.
     */
    public TaskRewardRegistry registry() {
        return TaskRewardRegistry.of(List.<TaskRewardFunction>of(
                new QInsightScoreReward(new ScoreThresholdReward(scoreThreshold)),
                new QInsightDegradationReward(new DegradationReward(degradationClassWeight, degradationSeverityWeight)),
                new VisualQualityR1Reward(new FidelityReward(fidelity))),
                List.<TaskRewardFunction>of(new QInsightRankingScoreReward(new FidelityReward(fidelity))));
    }

    private static <T> T read(Config c, String key, BiFunction<Config, String, T> getter) {
        try {
            return getter.apply(c, key);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(PATH + "." + key + ": " + e.getMessage(), e);
        }
    }

    private static double number(Config c, String key, DoublePredicate valid, String requirement) {
        double value = read(c, key, Config::getDouble);
        if (!valid.test(value)) {
            throw new IllegalArgumentException(PATH + "." + key + " must be " + requirement + ", got " + value);
        }
        return value;
    }

    private static <E extends Enum<E>> E constant(Config c, String key, Class<E> type) {
        String name = read(c, key, Config::getString);
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(PATH + "." + key + " must be one of "
                        + Arrays.toString(type.getEnumConstants()) + ", got '" + name + "'"));
    }
}
