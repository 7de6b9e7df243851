package visq.gpu.rewards;

/** What the fidelity reward does with a response whose score could not be parsed. */
public enum UnparsableScoreHandling {
    /**
     * Default: the response gets fidelity reward 0 and is left out of its image's mean and variance (see
     * {@link FidelityReward} for why 0 cannot help it).
     */
    FIXED_PENALTY,
    /** VisualQuality-R1's released code: a uniform random score in [low, high) from a seeded generator. */
    RANDOM_SCORE
}
