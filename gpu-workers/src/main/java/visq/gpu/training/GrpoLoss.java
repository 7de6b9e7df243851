package visq.gpu.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import visq.gpu.ndarray.ScalarArrays;

/**
 * The clipped GRPO surrogate with the k3 KL penalty (method.md §3), over DJL arrays.
 *
 * <p>Per token: ratio = exp(logπθ − logπold); loss_t = −min(ratio·A, clip(ratio, 1−ε_low, 1+ε_high)·A)
 * + β·(exp(ref−θ) − (ref−θ) − 1). Token losses are multiplied by the mask and aggregated as
 * {@link GrpoSettings#aggregation()} says; a response (or batch) with no masked token divides by 1 instead of 0.
 * Masked-out positions must hold finite values (they are multiplied by 0). The gradient flows only into
 * {@code logProbs}; the other inputs are treated as constants. Intermediate arrays are created in
 * {@code logProbs}'s manager. Scalars enter the graph as {@link ScalarArrays}, never as {@code Number}s.
 */
public final class GrpoLoss {

    /**
     * The loss of one batch.
     *
     * @param logProbs float32 [B, T] log π_θ of the sampled tokens (set requiresGradient to train)
     * @param oldLogProbs float32 [B, T] log π_old (the policy that sampled)
     * @param refLogProbs float32 [B, T] log π_ref, or null when β = 0
     * @param advantages float32 [B]
     * @param mask float32 [B, T], 1 for response tokens up to and including the first end token
     * @param settings clip range, β and aggregation
     */
    public GrpoLossResult compute(NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray advantages,
            NDArray mask, GrpoSettings settings) {
        Shape shape = logProbs.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("logProbs must be [B, T], got " + shape);
        }
        requireShape("oldLogProbs", oldLogProbs, shape);
        requireShape("mask", mask, shape);
        if (refLogProbs != null) {
            requireShape("refLogProbs", refLogProbs, shape);
        } else if (settings.beta() != 0) {
            throw new IllegalArgumentException("beta = " + settings.beta() + " needs reference log-probabilities");
        }
        int batch = Math.toIntExact(shape.get(0));
        requireShape("advantages", advantages, new Shape(batch));

        NDManager manager = logProbs.getManager();
        NDArray advantageColumn = advantages.reshape(batch, 1);
        NDArray ratio = logProbs.sub(oldLogProbs).exp();
        NDArray unclipped = ratio.mul(advantageColumn);
        NDArray clipped = ratio.clip(1.0 - settings.epsLow(), 1.0 + settings.epsHigh()).mul(advantageColumn);
        NDArray perToken = NDArrays.minimum(unclipped, clipped).neg();
        if (settings.beta() != 0) {
            NDArray refMinusPolicy = refLogProbs.sub(logProbs);
            NDArray kl = refMinusPolicy.exp().sub(refMinusPolicy).sub(ScalarArrays.of(manager, 1.0));
            perToken = perToken.add(kl.mul(ScalarArrays.of(manager, settings.beta())));
        }
        NDArray maskedLoss = perToken.mul(mask);
        NDArray loss = aggregate(maskedLoss, mask, batch, settings);
        return statistics(loss, logProbs, oldLogProbs, refLogProbs, advantages, mask, settings);
    }

    private static NDArray aggregate(NDArray maskedLoss, NDArray mask, int batch, GrpoSettings settings) {
        switch (settings.aggregation()) {
            case SEQUENCE_MEAN:
                NDArray perResponse = maskedLoss.sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
                return perResponse.mean();
            case TOKEN_MEAN:
                return maskedLoss.sum().div(mask.sum().maximum(1f));
            case CONSTANT_NORMALISER:
                return maskedLoss.sum().div(
                        ScalarArrays.of(maskedLoss.getManager(), (double) batch * settings.maxCompletionLength()));
            default:
                throw new IllegalArgumentException("unknown aggregation " + settings.aggregation());
        }
    }

    private static GrpoLossResult statistics(NDArray loss, NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs,
            NDArray advantages, NDArray mask, GrpoSettings settings) {
        int width = Math.toIntExact(logProbs.getShape().get(1));
        float[] policy = logProbs.toFloatArray();
        float[] old = oldLogProbs.toFloatArray();
        float[] ref = refLogProbs == null ? null : refLogProbs.toFloatArray();
        float[] adv = advantages.toFloatArray();
        float[] m = mask.toFloatArray();
        double tokens = 0;
        double ratioSum = 0;
        double clippedTokens = 0;
        double klSum = 0;
        for (int i = 0; i < policy.length; i++) {
            if (m[i] == 0f) {
                continue;
            }
            double a = adv[i / width];
            double ratio = Math.exp((double) policy[i] - old[i]);
            tokens += m[i];
            ratioSum += m[i] * ratio;
            boolean low = ratio < 1.0 - settings.epsLow() && a < 0;
            boolean high = ratio > 1.0 + settings.epsHigh() && a > 0;
            clippedTokens += (low || high) ? m[i] : 0.0;
            if (ref != null) {
                double d = (double) ref[i] - policy[i];
                klSum += m[i] * (Math.exp(d) - d - 1.0);
            }
        }
        double denominator = tokens > 0 ? tokens : Double.NaN;
        return new GrpoLossResult(loss, ratioSum / denominator, clippedTokens / denominator,
                ref == null ? Double.NaN : klSum / denominator);
    }

    private static void requireShape(String name, NDArray array, Shape expected) {
        if (!array.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " must have shape " + expected + ", got " + array.getShape());
        }
    }
}
