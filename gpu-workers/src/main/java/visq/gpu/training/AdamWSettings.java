package visq.gpu.training;

/**
 * Hyper-parameters of {@link AdamW} other than the learning rate.
 *
 * @param beta1 decay of the first moment
 * @param beta2 decay of the second moment
 * @param epsilon added to the bias-corrected root of the second moment
 * @param weightDecay decoupled weight decay: each step multiplies parameters by 1 − lr·weightDecay
 */
public record AdamWSettings(double beta1, double beta2, double epsilon, double weightDecay) {

    public AdamWSettings {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1)");
        }
        if (!(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("epsilon must be > 0 and weightDecay >= 0");
        }
    }

    /** Both papers (method.md §3): betas (0.9, 0.999), ε 1e-8, weight decay 0. */
    public static AdamWSettings papers() {
        return new AdamWSettings(0.9, 0.999, 1e-8, 0.0);
    }

    public AdamWSettings withWeightDecay(double newWeightDecay) {
        return new AdamWSettings(beta1, beta2, epsilon, newWeightDecay);
    }
}
