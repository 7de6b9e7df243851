package visq.gpu.rewards;

/** Q-Insight's score reward (method.md §2): 1 if |prediction − truth| &lt; ε, else 0; unparsable gives 0. */
public final class ScoreThresholdReward {

    /** Q-Insight's threshold ε. */
    public static final double DEFAULT_EPSILON = 0.35;

    private final double epsilon;

    public ScoreThresholdReward(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    public static ScoreThresholdReward qInsight() {
        return new ScoreThresholdReward(DEFAULT_EPSILON);
    }

    /** The reward of {@code prediction} against the normalised MOS {@code truth}. */
    public double reward(ParsedScore prediction, double truth) {
        double value = prediction.valueOrNaN();
        return Math.abs(value - truth) < epsilon ? 1.0 : 0.0;
    }

    public double epsilon() {
        return epsilon;
    }
}
