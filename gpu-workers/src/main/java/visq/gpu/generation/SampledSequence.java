package visq.gpu.generation;

/**
 * The tokens one row of a decoding loop produced.
 *
 * @param tokenIds the drawn ids, ending with eos when {@code finished}
 * @param logProbs the log-probability of each drawn id (see {@link SampledToken})
 * @param finished whether eos was drawn before the token limit
 */
public record SampledSequence(int[] tokenIds, float[] logProbs, boolean finished) {}
