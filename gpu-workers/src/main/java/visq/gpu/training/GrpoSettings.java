package visq.gpu.training;

/**
 * The constants of the GRPO objective (method.md §3).
 *
 * @param epsLow lower clip range: the ratio is clipped below at 1 − epsLow
 * @param epsHigh upper clip range: the ratio is clipped above at 1 + epsHigh (clip-higher when &gt; epsLow)
 * @param beta weight of the k3 KL estimate against the reference policy (0 disables it)
 * @param aggregation how token losses become one scalar
 * @param maxCompletionLength the longest completion in tokens; the constant of {@link LossAggregation#CONSTANT_NORMALISER}
 * @param policyUpdatesPerRollout μ, policy updates per batch of rollouts (clipping only matters when μ &gt; 1)
 */
public record GrpoSettings(
        double epsLow,
        double epsHigh,
        double beta,
        LossAggregation aggregation,
        int maxCompletionLength,
        int policyUpdatesPerRollout) {

    /** Both papers' clip range ε. */
    public static final double PAPER_EPSILON = 0.2;
    /** Both papers' completion limit. */
    public static final int PAPER_MAX_COMPLETION = 256;

    public GrpoSettings {
        if (!(epsLow >= 0 && epsLow < 1) || !(epsHigh >= 0)) {
            throw new IllegalArgumentException("clip ranges must satisfy 0 <= epsLow < 1 and epsHigh >= 0");
        }
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta must be >= 0, got " + beta);
        }
        if (maxCompletionLength < 1 || policyUpdatesPerRollout < 1) {
            throw new IllegalArgumentException("maxCompletionLength and policyUpdatesPerRollout must be >= 1");
        }
    }

    /** Q-Insight: ε = 0.2, β = 0.001, sequence mean, 256 tokens, μ = 1. */
    public static GrpoSettings qInsight() {
        return new GrpoSettings(PAPER_EPSILON, PAPER_EPSILON, 0.001, LossAggregation.SEQUENCE_MEAN,
                PAPER_MAX_COMPLETION, 1);
    }

    /** VisualQuality-R1: ε = 0.2, β = 0.04, sequence mean, 256 tokens, μ = 1. */
    public static GrpoSettings visualQualityR1() {
        return new GrpoSettings(PAPER_EPSILON, PAPER_EPSILON, 0.04, LossAggregation.SEQUENCE_MEAN,
                PAPER_MAX_COMPLETION, 1);
    }

    /** DAPO-style: clip-higher (0.2 / 0.28), no KL, token-level mean. */
    public static GrpoSettings dapo() {
        return new GrpoSettings(0.2, 0.28, 0.0, LossAggregation.TOKEN_MEAN, PAPER_MAX_COMPLETION, 1);
    }

    /** Dr. GRPO-style: ε = 0.2, no KL, constant normaliser B × 256. */
    public static GrpoSettings drGrpo() {
        return new GrpoSettings(PAPER_EPSILON, PAPER_EPSILON, 0.0, LossAggregation.CONSTANT_NORMALISER,
                PAPER_MAX_COMPLETION, 1);
    }

    public GrpoSettings withAggregation(LossAggregation newAggregation) {
        return new GrpoSettings(epsLow, epsHigh, beta, newAggregation, maxCompletionLength, policyUpdatesPerRollout);
    }

    public GrpoSettings withBeta(double newBeta) {
        return new GrpoSettings(epsLow, epsHigh, newBeta, aggregation, maxCompletionLength, policyUpdatesPerRollout);
    }

    public GrpoSettings withClip(double newEpsLow, double newEpsHigh) {
        return new GrpoSettings(newEpsLow, newEpsHigh, beta, aggregation, maxCompletionLength, policyUpdatesPerRollout);
    }

    public GrpoSettings withPolicyUpdatesPerRollout(int mu) {
        return new GrpoSettings(epsLow, epsHigh, beta, aggregation, maxCompletionLength, mu);
    }
}
