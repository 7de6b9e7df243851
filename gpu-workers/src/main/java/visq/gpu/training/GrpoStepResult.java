package visq.gpu.training;

/** What a GRPO update measured (means over its μ policy updates); NaN fields when it was skipped. */
public record GrpoStepResult(double loss, double kl, double clipFraction, double meanRatio, double gradientNorm,
        int updates) {

    /** A step with nothing to train on (every group dropped by dynamic sampling). */
    public static GrpoStepResult skipped() {
        return new GrpoStepResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
}
