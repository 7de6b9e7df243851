package visq.gpu.training;

/** What a supervised (cold-start) step measured: mean token negative log-likelihood and the gradient norm. */
public record SupervisedStepResult(double loss, double gradientNorm) {}
