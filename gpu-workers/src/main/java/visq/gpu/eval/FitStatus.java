package visq.gpu.eval;

/** How a {@link LogisticFit} ended. */
public enum FitStatus {
    /** Levenberg–Marquardt met its tolerance. */
    CONVERGED("converged"),
    /**
     * The iteration limit was reached; the parameters are the best found. Typical for nearly linear data, where the
     * least-squares optimum lies at infinitely distant asymptotes and the curve tends to a straight line.
     */
    ITERATION_LIMIT("stopped at the iteration limit (typical when the relation is nearly linear and the asymptotes run off);"
            + " best parameters so far"),
    /** The predicted scores are constant: no curve can be fitted, the result is the constant mean of y. */
    FLAT_SCORES("predicted scores are constant; fell back to the constant mean of the targets"),
    /** The targets are constant: the curve is the constant target, the initial guess is kept unchanged. */
    FLAT_TARGETS("targets are constant; fell back to the initial guess (a constant curve)"),
    /** A step produced non-finite values or the normal equations stayed singular; best parameters so far. */
    NUMERICAL_FAILURE("numerical failure (singular or non-finite); best parameters so far"),
    /** Fewer than three scored images: no correlation and no curve are defined. */
    TOO_FEW_PAIRS("fewer than three scored images; nothing fitted");

    private final String description;

    FitStatus(String description) {
        this.description = description;
    }

    /** A sentence for reports. */
    public String description() {
        return description;
    }
}
