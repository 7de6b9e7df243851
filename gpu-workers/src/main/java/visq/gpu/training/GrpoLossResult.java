package visq.gpu.training;

import ai.djl.ndarray.NDArray;

/**
 * The GRPO loss of a batch and what to log about it.
 *
 * @param loss scalar float32, differentiable w.r.t. the policy log-probabilities; owned by their manager
 * @param meanRatio mean of π_θ/π_old over masked tokens
 * @param clipFraction fraction of masked tokens where the clipped term wins the min and blocks the gradient:
 *     (ratio &lt; 1 − ε_low and A &lt; 0) or (ratio &gt; 1 + ε_high and A &gt; 0)
 * @param meanKl mean k3 KL estimate over masked tokens; NaN when no reference log-probabilities were given
 */
public record GrpoLossResult(NDArray loss, double meanRatio, double clipFraction, double meanKl) {}
