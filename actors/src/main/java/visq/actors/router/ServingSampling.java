package visq.actors.router;

import com.typesafe.config.Config;
import visq.gpu.generation.SamplingSettings;

/**
 * How served answers are decoded, read once from {@code visq.router}: at most {@code maxNewTokens} new tokens,
 * greedily when {@code temperature} is 0 (the default), otherwise sampled with {@code topK} and {@code topP}, and with
 * {@code constrainedAnswers} every answer kept well-formed for its task (a score in [1, 5], a known class and
 * severity; {@link SamplingSettings#constrainedAnswers()}). {@code visq eval} decodes the same way and samples its
 * mean-of-samples scores with the same top-k and top-p at its own temperature.
 */
public record ServingSampling(int maxNewTokens, double temperature, int topK, double topP,
        boolean constrainedAnswers) {

    public ServingSampling {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("visq.router.max-new-tokens must be positive, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("visq.router.sampling.temperature must be 0 (greedy) or positive and "
                    + "finite, got " + temperature);
        }
    }

    public static ServingSampling fromConfig(Config config) {
        // full paths, so that a bad value's error names its key
        return new ServingSampling(config.getInt("visq.router.max-new-tokens"),
                config.getDouble("visq.router.sampling.temperature"), config.getInt("visq.router.sampling.top-k"),
                config.getDouble("visq.router.sampling.top-p"),
                config.getBoolean("visq.router.sampling.constrained-answers"));
    }

    /** The decoding of served answers: greedy at temperature 0, sampled otherwise. */
    public SamplingSettings sampling() {
        return temperature == 0 ? greedy() : sampledAt(temperature);
    }

    /** Greedy decoding with the served token limit and answer constraint. */
    public SamplingSettings greedy() {
        return SamplingSettings.greedy(maxNewTokens).withConstrainedAnswers(constrainedAnswers);
    }

    /** Sampling at {@code sampleTemperature} with the served top-k, top-p, token limit and answer constraint. */
    public SamplingSettings sampledAt(double sampleTemperature) {
        return SamplingSettings.sampling(sampleTemperature, topK, topP, maxNewTokens)
                .withConstrainedAnswers(constrainedAnswers);
    }
}
