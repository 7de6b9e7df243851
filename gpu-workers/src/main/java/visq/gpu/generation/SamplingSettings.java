package visq.gpu.generation;

/**
 * How a policy samples responses. Always set explicitly by the caller, never inherited from a checkpoint's
 * generation config: inherited settings can make all G responses of a group identical (method.md §3 pitfall).
 *
 * <p>Order of application, as in Hugging Face: logits / temperature, then top-k, then top-p (nucleus).
 * {@code greedy} takes the argmax of the logits and ignores top-k/top-p; recorded log-probabilities still use
 * {@code temperature}.
 *
 * @param temperature divides the logits; positive
 * @param topK keep only the k most likely tokens; 0 disables
 * @param topP keep the smallest set of most likely tokens whose probability reaches topP; in (0, 1], 1 disables
 * @param maxNewTokens the most tokens a response may have, eos included; positive
 * @param greedy argmax decoding
 * @param constrainedAnswers draw only tokens that keep the response able to end in a well-formed answer for its
 *     task ({@code visq.gpu.model.AnswerConstraint}); for serving and evaluation, and GRPO rollouts where
 *     {@code visq.training.sampling.constrained-answers} is on (the rl-first recipe): the recorded log-probabilities
 *     stay the model's own, which the constrained draw does not follow
 */
public record SamplingSettings(double temperature, int topK, double topP, int maxNewTokens, boolean greedy,
        boolean constrainedAnswers) {

    public SamplingSettings {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling temperature must be positive and finite, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 disables), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        }
    }

    /** Unconstrained decoding. */
    public SamplingSettings(double temperature, int topK, double topP, int maxNewTokens, boolean greedy) {
        this(temperature, topK, topP, maxNewTokens, greedy, false);
    }

    /** These settings with answers constrained ({@code true}) or not. */
    public SamplingSettings withConstrainedAnswers(boolean constrained) {
        return new SamplingSettings(temperature, topK, topP, maxNewTokens, greedy, constrained);
    }

    /** Argmax decoding, log-probabilities at temperature 1. */
    public static SamplingSettings greedy(int maxNewTokens) {
        return new SamplingSettings(1.0, 0, 1.0, maxNewTokens, true);
    }

    /** Stochastic sampling with the given truncation. */
    public static SamplingSettings sampling(double temperature, int topK, double topP, int maxNewTokens) {
        return new SamplingSettings(temperature, topK, topP, maxNewTokens, false);
    }
}
