package visq.gpu.image.features;

import java.util.Arrays;

/**
 * A linear read-out of image features fit by ridge regression: {@code prediction = Σ weights[k]·x[k] + bias}.
 *
 * <p>The fit standardises every feature with the mean and (population) standard deviation of the rows and the
 * targets with theirs, chooses λ from {@link RidgeProbe#DEFAULT_LAMBDAS} by 5-fold cross-validation (mean squared
 * error) and solves the dual problem ({@code α = (X Xᵀ + λI)⁻¹ (y − ȳ)}, {@code β = Xᵀ α}), then folds the
 * standardisation into the returned weights: the read-out applies to raw features and predicts standardised
 * targets (mean 0, standard deviation 1 over the rows it was fit on, less the shrinkage). A feature that is constant
 * over the rows gets weight 0.
 *
 * @param weights one weight per raw feature
 * @param bias added after the weighted sum
 * @param lambda the ridge strength chosen
 */
public record RidgeReadout(float[] weights, float bias, double lambda) {

    private static final int MIN_ROWS = 10;

    public RidgeReadout {
        weights = weights.clone();
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** The read-out's value for one row of raw features (as many as {@link #weights}). */
    public double apply(float[] features) {
        if (features.length != weights.length) {
            throw new IllegalArgumentException("read-out of " + weights.length + " features applied to "
                    + features.length);
        }
        double sum = bias;
        for (int k = 0; k < weights.length; k++) {
            sum += (double) weights[k] * features[k];
        }
        return sum;
    }

    /**
     * Fits the read-out of {@code features} (one row per image, all of one length) to {@code targets}.
     *
     * @throws IllegalArgumentException when rows and targets differ in number, there are fewer than 10 rows, rows
     *     differ in length, a value is not finite or the targets are all equal
     */
    public static RidgeReadout fit(float[][] features, double[] targets) {
        if (features.length != targets.length) {
            throw new IllegalArgumentException(features.length + " feature rows but " + targets.length + " targets");
        }
        if (features.length < MIN_ROWS) {
            throw new IllegalArgumentException("a ridge read-out needs at least " + MIN_ROWS + " rows, got "
                    + features.length);
        }
        int d = features[0].length;
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("feature row " + i + " has " + features[i].length
                        + " values, row 0 has " + d);
            }
            for (float v : features[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("feature row " + i + " holds a non-finite value " + v);
                }
            }
            if (!Double.isFinite(targets[i])) {
                throw new IllegalArgumentException("target " + i + " is not finite: " + targets[i]);
            }
        }
        double targetMean = Arrays.stream(targets).average().orElseThrow();
        double targetSd = Math.sqrt(Arrays.stream(targets).map(t -> (t - targetMean) * (t - targetMean)).sum()
                / targets.length);
        if (targetSd == 0) {
            throw new IllegalArgumentException("all " + targets.length + " targets are " + targetMean
                    + ": nothing to read out");
        }
        double[] standardTargets = Arrays.stream(targets).map(t -> (t - targetMean) / targetSd).toArray();
        int[] rows = new int[features.length];
        Arrays.setAll(rows, i -> i);
        double[][] moments = RidgeProbe.columnMoments(features, rows);
        double[][] x = RidgeProbe.standardised(features, moments);
        double[][] kernel = RidgeProbe.gram(x, rows, rows);
        double lambda = RidgeProbe.chooseLambda(kernel, standardTargets, RidgeProbe.DEFAULT_LAMBDAS);
        double[] alpha = RidgeProbe.dualCoefficients(kernel, standardTargets, lambda);
        double[] beta = new double[d];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < d; k++) {
                beta[k] += x[i][k] * alpha[i];
            }
        }
        float[] weights = new float[d];
        double bias = 0; // the standardised targets' mean
        for (int k = 0; k < d; k++) {
            double w = moments[1][k] > 1e-12 ? beta[k] / moments[1][k] : 0;
            weights[k] = (float) w;
            bias -= w * moments[0][k];
        }
        return new RidgeReadout(weights, (float) bias, lambda);
    }
}
