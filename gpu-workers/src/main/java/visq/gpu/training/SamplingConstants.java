package visq.gpu.training;

import visq.gpu.generation.SamplingSettings;

/**
 * The sampling constants of rollouts (method.md §3), the one source of a run's rollout temperature, top-k and top-p
 * (a {@link MethodPreset}'s, or the settings that override it): {@link #forRollouts} turns them into the
 * {@link SamplingSettings} generation takes, and the learner computes log-probabilities at the same temperature.
 * They must be passed to generation explicitly: inheriting a checkpoint's generation config can make all G
 * responses identical (zero advantage, no learning).
 *
 * @param temperature softmax temperature
 * @param topK keep the k most likely tokens (0 disables)
 * @param topP nucleus mass (1.0 disables)
 * @param repetitionPenalty 1.0 means none
 */
public record SamplingConstants(double temperature, int topK, double topP, double repetitionPenalty) {

    public SamplingConstants {
        if (!(temperature > 0) || topK < 0 || !(topP > 0 && topP <= 1) || !(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("invalid sampling settings");
        }
    }

    /** Both papers: temperature 1.0, top-k 50, top-p 1.0, no repetition penalty. */
    public static SamplingConstants papers() {
        return new SamplingConstants(1.0, 50, 1.0, 1.0);
    }

    /** Sampling with these constants, at most {@code maxNewTokens} new tokens (generation has no repetition penalty). */
    public SamplingSettings forRollouts(int maxNewTokens) {
        return SamplingSettings.sampling(temperature, topK, topP, maxNewTokens);
    }
}
