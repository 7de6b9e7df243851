package visq.gpu.image.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        checkRows(features, targets);
        double targetMean = Arrays.stream(targets).average().orElseThrow();
        double targetSd = Math.sqrt(Arrays.stream(targets).map(t -> (t - targetMean) * (t - targetMean)).sum()
                / targets.length);
        if (targetSd == 0) {
            throw new IllegalArgumentException("all " + targets.length + " targets are " + targetMean
                    + ": nothing to read out");
        }
        double[] standardTargets = Arrays.stream(targets).map(t -> (t - targetMean) / targetSd).toArray();
        Standardised rows = Standardised.of(features);
        double lambda = RidgeProbe.chooseLambda(rows.kernel, standardTargets, RidgeProbe.DEFAULT_LAMBDAS);
        return rows.readout(RidgeProbe.dualCoefficients(rows.kernel, standardTargets, lambda), lambda);
    }

    /**
     * Fits one read-out of {@code features} per target column ({@code targets[output][row]}), all with the one λ of
     * {@link RidgeProbe#DEFAULT_LAMBDAS} whose 5-fold cross-validated squared error summed over the columns is least.
     * Each column is standardised as {@link #fit} does; a column whose targets are all equal gets the read-out 0.
     *
     * @throws IllegalArgumentException when there are no columns, a column and the rows differ in number, there are
     *     fewer than 10 rows, rows differ in length or a value is not finite
     */
    public static List<RidgeReadout> fitEach(float[][] features, double[][] targets) {
        if (targets.length == 0) {
            throw new IllegalArgumentException("no target columns to read out");
        }
        double[][] standardTargets = new double[targets.length][];
        for (int o = 0; o < targets.length; o++) {
            checkRows(features, targets[o]);
            double[] column = targets[o];
            double mean = Arrays.stream(column).average().orElseThrow();
            double sd = Math.sqrt(Arrays.stream(column).map(t -> (t - mean) * (t - mean)).sum() / column.length);
            standardTargets[o] = Arrays.stream(column).map(t -> sd == 0 ? 0 : (t - mean) / sd).toArray();
        }
        Standardised rows = Standardised.of(features);
        double lambda = RidgeProbe.chooseSharedLambda(rows.kernel, standardTargets, RidgeProbe.DEFAULT_LAMBDAS);
        double[][] factor = new double[rows.kernel.length][];
        for (int i = 0; i < factor.length; i++) {
            factor[i] = rows.kernel[i].clone();
            factor[i][i] += lambda;
        }
        RidgeProbe.factorInPlace(factor);
        List<RidgeReadout> readouts = new ArrayList<>();
        for (double[] column : standardTargets) {
            // the standardised column has mean 0 (or is all 0), so it is its own centred right-hand side
            readouts.add(rows.readout(RidgeProbe.solveFactored(factor, column), lambda));
        }
        return List.copyOf(readouts);
    }

    private static void checkRows(float[][] features, double[] targets) {
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
    }

    /** The rows standardised column by column, their moments and their Gram matrix. */
    private record Standardised(double[][] moments, double[][] x, double[][] kernel) {

        static Standardised of(float[][] features) {
            int[] rows = new int[features.length];
            Arrays.setAll(rows, i -> i);
            double[][] moments = RidgeProbe.columnMoments(features, rows);
            double[][] x = RidgeProbe.standardised(features, moments);
            return new Standardised(moments, x, RidgeProbe.gram(x, rows, rows));
        }

        /** The read-out of dual coefficients {@code alpha}, the standardisation folded into raw-feature weights. */
        RidgeReadout readout(double[] alpha, double lambda) {
            int d = x[0].length;
            double[] beta = new double[d];
            for (int i = 0; i < x.length; i++) {
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
}
