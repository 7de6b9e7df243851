package visq.gpu.eval;

/**
 * The 4-parameter logistic of method.md §4 that maps predicted scores onto the MOS scale before PLCC:
 * {@code yhat = (b1 − b2) / (1 + exp(−(x − b3) / |b4|)) + b2}. {@code b1} and {@code b2} are the upper and lower
 * asymptotes, {@code b3} the midpoint and {@code |b4|} the horizontal scale.
 */
public record LogisticParameters(double b1, double b2, double b3, double b4) {

    /**
     * The standard starting point: b1 = max y, b2 = min y, b3 = mean x, b4 = (population) std x / 4.
     */
    public static LogisticParameters initialGuess(double[] x, double[] y) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double v : y) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        double meanX = CorrelationMetrics.mean(x);
        double squares = 0;
        for (double v : x) {
            squares += (v - meanX) * (v - meanX);
        }
        return new LogisticParameters(max, min, meanX, Math.sqrt(squares / x.length) / 4.0);
    }

    /** The curve at {@code x}. */
    public double valueAt(double x) {
        return (b1 - b2) * sigmoid((x - b3) / Math.abs(b4)) + b2;
    }

    /** The curve at every element of {@code xs}. */
    public double[] valuesAt(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = valueAt(xs[i]);
        }
        return out;
    }

    /** The parameters as the array (b1, b2, b3, b4). */
    double[] toArray() {
        return new double[] {b1, b2, b3, b4};
    }

    static LogisticParameters fromArray(double[] p) {
        return new LogisticParameters(p[0], p[1], p[2], p[3]);
    }

    /** 1 / (1 + exp(−z)) without overflow for large |z|. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
