package visq.gpu.rewards;

/**
 * Options of the {@link FidelityReward}.
 *
 * @param unparsable what an unparsable score does
 * @param variant the paper's reward or one of its ablations
 * @param gamma γ of method.md §2: keeps the square roots and the Thurstone denominator away from 0
 * @param randomLow lower bound of the random score ({@link UnparsableScoreHandling#RANDOM_SCORE} only)
 * @param randomHigh upper bound (exclusive) of the random score
 * @param seed seed of the random scores
 */
public record FidelitySettings(UnparsableScoreHandling unparsable, FidelityVariant variant, double gamma,
        double randomLow, double randomHigh, long seed) {

    public FidelitySettings {
        if (!(gamma > 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma must be positive and finite, got " + gamma);
        }
        if (!(randomLow < randomHigh) || !Double.isFinite(randomLow) || !Double.isFinite(randomHigh)) {
            throw new IllegalArgumentException("randomLow must be below randomHigh, both finite");
        }
    }

    /** Fixed penalty, the paper's Thurstone fidelity with γ = 1e-6, random range [1, 5). */
    public static FidelitySettings defaults() {
        return new FidelitySettings(UnparsableScoreHandling.FIXED_PENALTY, FidelityVariant.THURSTONE,
                FidelityReward.GAMMA, 1.0, 5.0, 0L);
    }

    /** As the released VisualQuality-R1 code: random scores in [1, 5) for unparsable answers. */
    public static FidelitySettings releasedCode(long seed) {
        return new FidelitySettings(UnparsableScoreHandling.RANDOM_SCORE, FidelityVariant.THURSTONE,
                FidelityReward.GAMMA, 1.0, 5.0, seed);
    }

    public FidelitySettings withVariant(FidelityVariant newVariant) {
        return new FidelitySettings(unparsable, newVariant, gamma, randomLow, randomHigh, seed);
    }
}
