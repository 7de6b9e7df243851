package visq.gpu.generation;

/**
 * One drawn token with its log-probability under the temperature-scaled, untruncated distribution.
 *
 * @param tokenId the id drawn
 * @param logProb {@code log_softmax(logits / T)[tokenId]}
 */
public record SampledToken(int tokenId, float logProb) {}
