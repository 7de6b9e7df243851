package visq.gpu.training;

/**
 * The sampling constants of rollouts (method.md §3). They must be passed to generation explicitly: inheriting a
 * checkpoint's generation config can make all G responses identical (zero advantage, no learning).
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
}
