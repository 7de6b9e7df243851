package visq.gpu.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class GrpoLossTest {

    private static final Map<String, Object> GOLDEN = Golden.load("grpo_loss.json");
    private final GrpoLoss grpo = new GrpoLoss();

    /** The loss of a case and the gradient of the loss w.r.t. logProbs. */
    private record Evaluated(double loss, float[] grad, GrpoLossResult result) {}

    private Evaluated evaluate(NDManager manager, float[] logp, float[] old, float[] ref, float[] adv, float[] mask,
            Shape shape, GrpoSettings settings) {
        NDArray logProbs = manager.create(logp, shape);
        logProbs.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            GrpoLossResult result = grpo.compute(logProbs, manager.create(old, shape),
                    ref == null ? null : manager.create(ref, shape), manager.create(adv), manager.create(mask, shape),
                    settings);
            collector.backward(result.loss());
            return new Evaluated(result.loss().getFloat(), logProbs.getGradient().toFloatArray(), result);
        }
    }

    @Test
    void lossGradientAndStatisticsMatchTorchForEveryAggregationClipAndBeta() {
        float[] logp = Golden.floats(GOLDEN.get("log_probs"));
        float[] old = Golden.floats(GOLDEN.get("old_log_probs"));
        float[] ref = Golden.floats(GOLDEN.get("ref_log_probs"));
        float[] adv = Golden.floats(GOLDEN.get("advantages"));
        Shape shape = new Shape(adv.length, logp.length / adv.length);
        int cases = 0;
        for (Map<String, Object> c : Golden.objects(GOLDEN.get("cases"))) {
            GrpoSettings settings = new GrpoSettings(Golden.number(c.get("eps_low")), Golden.number(c.get("eps_high")),
                    Golden.number(c.get("beta")), LossAggregation.valueOf((String) c.get("aggregation")),
                    (int) Golden.number(c.get("max_completion_length")), 1);
            String where = "grpo_loss.json " + settings + " mask " + c.get("mask_name");
            try (NDManager manager = NDManager.newBaseManager()) {
                Evaluated e = evaluate(manager, logp, old, ref, adv, Golden.floats(c.get("mask")), shape, settings);
                Golden.assertClose(Golden.number(c.get("loss")), e.loss(), 1e-6, 1e-2, where + " loss (torch)");
                Golden.assertAllClose(Golden.floats(c.get("grad")), e.grad(), 1e-6, where + " grad (torch autograd)");
                Golden.assertRelative(Golden.number(c.get("mean_ratio")), e.result().meanRatio(), 1e-9,
                        where + " mean ratio");
                Golden.assertRelative(Golden.number(c.get("clip_fraction")), e.result().clipFraction(), 1e-12,
                        where + " clip fraction");
                Golden.assertRelative(Golden.number(c.get("mean_kl")), e.result().meanKl(), 1e-9, where + " mean KL");
            }
            cases++;
        }
        assertEquals(15, cases, "grpo_loss.json: 3 aggregations × 2 clips × 2 betas + 3 empty-mask cases");
    }

    @Test
    void withOnePolicyUpdateTheRatioIsOneAndClippingChangesNothing() {
        // property (method.md §3): μ = 1 means logπθ = logπold, ratio exactly 1
        Random random = new Random(8);
        float[] logp = new float[3 * 5];
        for (int i = 0; i < logp.length; i++) {
            logp[i] = (float) (-3 * random.nextDouble());
        }
        float[] adv = {1.5f, -0.7f, 0.2f};
        float[] mask = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0};
        Shape shape = new Shape(3, 5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Evaluated clipped = evaluate(manager, logp, logp, null, adv, mask, shape,
                    GrpoSettings.qInsight().withBeta(0));
            Evaluated unclipped = evaluate(manager, logp, logp, null, adv, mask, shape,
                    GrpoSettings.qInsight().withBeta(0).withClip(0.0, 1e9));
            assertEquals(1.0, clipped.result().meanRatio(), 0.0, "exp(0) = 1 exactly");
            assertEquals(0.0, clipped.result().clipFraction(), 0.0, "nothing clipped at ratio 1");
            assertEquals(unclipped.loss(), clipped.loss(), 0.0, "clipped and unclipped losses are equal");
            assertArrayEquals(unclipped.grad(), clipped.grad(), "clipped and unclipped gradients are equal");
            // closed form at ratio 1, sequence mean: loss = −mean_i A_i, since each response's token mean of A_i is A_i
            assertEquals(-(1.5 - 0.7 + 0.2) / 3, clipped.loss(), 1e-6, "closed form −mean(A)");
        }
    }

    @Test
    void aGroupWithEqualRewardsContributesNoPolicyGradient() {
        // property (method.md §3): all-equal rewards → zero advantages → zero gradient (β = 0)
        double[] advantages = visq.gpu.training.Advantages.ofGroup(new double[] {0.5, 0.5, 0.5, 0.5});
        float[] adv = new float[advantages.length];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = (float) advantages[i];
        }
        Random random = new Random(4);
        float[] logp = new float[4 * 6];
        float[] old = new float[logp.length];
        float[] mask = new float[logp.length];
        for (int i = 0; i < logp.length; i++) {
            logp[i] = (float) (-2 * random.nextDouble());
            old[i] = logp[i] + (float) (0.5 * random.nextGaussian());
            mask[i] = random.nextInt(4) == 0 ? 0f : 1f;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            for (LossAggregation aggregation : LossAggregation.values()) {
                Evaluated e = evaluate(manager, logp, old, null, adv, mask, new Shape(4, 6),
                        GrpoSettings.dapo().withAggregation(aggregation));
                assertEquals(0.0, e.loss(), 0.0, aggregation + ": zero loss");
                for (float g : e.grad()) {
                    assertEquals(0.0f, g, 0.0f, aggregation + ": zero gradient");
                }
            }
        }
    }

    @Test
    void betaNeedsReferenceLogProbs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.zeros(new Shape(2, 3));
            assertThrows(IllegalArgumentException.class, () -> grpo.compute(x, x, null, manager.zeros(new Shape(2)), x,
                    GrpoSettings.visualQualityR1()));
            assertThrows(IllegalArgumentException.class, () -> grpo.compute(x, x, x, manager.zeros(new Shape(3)), x,
                    GrpoSettings.visualQualityR1()));
            GrpoLossResult noKl = grpo.compute(x, x, null, manager.zeros(new Shape(2)), x, GrpoSettings.dapo());
            assertTrue(Double.isNaN(noKl.meanKl()), "no reference: KL not measured");
        }
    }

    @Test
    void completionMaskCoversTokensUpToAndIncludingTheFirstEnd() {
        int end = 2;
        float[][] mask = CompletionMask.fromTokens(new int[][] {{5, 6, 2, 7, 2}, {2, 9}, {4, 4, 4, 4, 4, 4}, {}},
                end, 5);
        assertArrayEquals(new float[] {1, 1, 1, 0, 0}, mask[0], "stops after the first end token");
        assertArrayEquals(new float[] {1, 0, 0, 0, 0}, mask[1], "end token first");
        assertArrayEquals(new float[] {1, 1, 1, 1, 1}, mask[2], "no end token: all tokens, cut at width");
        assertArrayEquals(new float[] {0, 0, 0, 0, 0}, mask[3], "empty response");
    }
}
