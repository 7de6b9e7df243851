package visq.gpu.image.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import visq.gpu.eval.CorrelationMetrics;

/**
 * A linear probe of frozen features: ridge regression from features to a quality score, judged by SRCC and PLCC on
 * random held-out splits.
 *
 * <p>Per split the features are standardised with the training part's mean and standard deviation, the ridge
 * strength λ is chosen from a grid by 5-fold cross-validation (mean squared error) inside the training part, and the
 * model is solved in its dual form, {@code α = (X Xᵀ + λ I)⁻¹ (y − ȳ)}, which suits more features than images.
 * Pure and deterministic for a seed.
 */
public final class RidgeProbe {

    /** λ values tried by default (features are standardised, so λ is on the scale of a feature count). */
    public static final double[] DEFAULT_LAMBDAS = {0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000};
    private static final int FOLDS = 5;

    /**
     * What the probe measured over the splits.
     *
     * @param srcc SRCC on each split's held-out part
     * @param plcc PLCC on each split's held-out part
     * @param lambdas the λ chosen for each split
     */
    public record Result(double[] srcc, double[] plcc, double[] lambdas) {
        public double srccMean() {
            return mean(srcc);
        }

        public double srccSd() {
            return sd(srcc);
        }

        public double plccMean() {
            return mean(plcc);
        }

        public double plccSd() {
            return sd(plcc);
        }
    }

    private RidgeProbe() {}

    /**
     * Ridge probes on {@code splits} random splits ({@code trainFraction} of the rows to train, the rest held out),
     * shuffled by {@code java.util.Random(seed + split)}.
     */
    public static Result evaluate(float[][] features, double[] targets, int splits, double trainFraction, long seed,
            double[] lambdas) {
        if (features.length != targets.length || features.length < 2 * FOLDS) {
            throw new IllegalArgumentException("need as many targets as feature rows, at least " + 2 * FOLDS
                    + "; got " + features.length + " rows and " + targets.length + " targets");
        }
        double[] srcc = new double[splits];
        double[] plcc = new double[splits];
        double[] chosen = new double[splits];
        for (int s = 0; s < splits; s++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < features.length; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed + s));
            int trainSize = (int) Math.round(trainFraction * features.length);
            int[] train = order.subList(0, trainSize).stream().mapToInt(Integer::intValue).toArray();
            int[] test = order.subList(trainSize, order.size()).stream().mapToInt(Integer::intValue).toArray();
            double[][] x = standardised(features, train);
            double[][] kernel = gram(x, train, train);
            double lambda = chooseLambda(kernel, select(targets, train), lambdas);
            double[] predicted = fitPredict(kernel, select(targets, train), gram(x, test, train), lambda);
            double[] actual = select(targets, test);
            srcc[s] = CorrelationMetrics.srcc(predicted, actual);
            plcc[s] = CorrelationMetrics.plcc(predicted, actual);
            chosen[s] = lambda;
        }
        return new Result(srcc, plcc, chosen);
    }

    /** All rows standardised with the mean and (population) standard deviation of the {@code train} rows. */
    static double[][] standardised(float[][] features, int[] train) {
        return standardised(features, columnMoments(features, train));
    }

    /** All rows standardised with {@code moments} ({@link #columnMoments}: {@code {mean, sd}} per column). */
    static double[][] standardised(float[][] features, double[][] moments) {
        double[] mean = moments[0];
        double[] sd = moments[1];
        int d = mean.length;
        double[][] out = new double[features.length][d];
        for (int k = 0; k < d; k++) {
            double inverse = sd[k] > 1e-12 ? 1 / sd[k] : 0;
            for (int i = 0; i < features.length; i++) {
                out[i][k] = (features[i][k] - mean[k]) * inverse;
            }
        }
        return out;
    }

    /** {@code {mean, sd}} of every column over the {@code train} rows (population standard deviation). */
    static double[][] columnMoments(float[][] features, int[] train) {
        int d = features[0].length;
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (int i : train) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("feature row " + i + " has " + features[i].length
                        + " values, row 0 has " + d);
            }
            for (int k = 0; k < d; k++) {
                mean[k] += features[i][k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= train.length;
        }
        for (int i : train) {
            for (int k = 0; k < d; k++) {
                double c = features[i][k] - mean[k];
                sq[k] += c * c;
            }
        }
        double[] sd = new double[d];
        for (int k = 0; k < d; k++) {
            sd[k] = Math.sqrt(sq[k] / train.length);
        }
        return new double[][] {mean, sd};
    }

    /** {@code K[a][b] = x[rows[a]] · x[cols[b]]}. */
    static double[][] gram(double[][] x, int[] rows, int[] cols) {
        double[][] k = new double[rows.length][cols.length];
        for (int a = 0; a < rows.length; a++) {
            double[] u = x[rows[a]];
            for (int b = 0; b < cols.length; b++) {
                double[] v = x[cols[b]];
                double dot = 0;
                for (int j = 0; j < u.length; j++) {
                    dot += u[j] * v[j];
                }
                k[a][b] = dot;
            }
        }
        return k;
    }

    /** The λ of {@code lambdas} with the least 5-fold cross-validated squared error of one target column. */
    static double chooseLambda(double[][] kernel, double[] y, double[] lambdas) {
        return chooseSharedLambda(kernel, new double[][] {y}, lambdas);
    }

    /** Fold {@code f} of {@link #FOLDS} over {@code n} rows: {@code {rows fit on, rows held out}} (every FOLDS-th). */
    private static int[][] foldRows(int n, int f) {
        List<Integer> fit = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (i % FOLDS == f ? held : fit).add(i);
        }
        return new int[][] {fit.stream().mapToInt(Integer::intValue).toArray(),
            held.stream().mapToInt(Integer::intValue).toArray()};
    }

    /** Dual ridge: predictions {@code K_test (K + λI)⁻¹ (y − ȳ) + ȳ}. */
    static double[] fitPredict(double[][] kernel, double[] y, double[][] testKernel, double lambda) {
        int n = y.length;
        double mean = sumOf(y) / n;
        double[] alpha = dualCoefficients(kernel, y, lambda);
        double[] out = new double[testKernel.length];
        for (int t = 0; t < out.length; t++) {
            double s = mean;
            for (int i = 0; i < n; i++) {
                s += testKernel[t][i] * alpha[i];
            }
            out[t] = s;
        }
        return out;
    }

    /** The sum in index order (as the probe's figures were computed). */
    private static double sumOf(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum;
    }

    /** {@code α = (K + λI)⁻¹ (y − ȳ)}. */
    static double[] dualCoefficients(double[][] kernel, double[] y, double lambda) {
        int n = y.length;
        double mean = sumOf(y) / n;
        double[][] a = new double[n][];
        double[] centred = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = kernel[i].clone();
            a[i][i] += lambda;
            centred[i] = y[i] - mean;
        }
        return solveSymmetricPositive(a, centred);
    }

    /** Solves {@code A x = b} for symmetric positive definite {@code A} by Cholesky ({@code A} is overwritten). */
    static double[] solveSymmetricPositive(double[][] a, double[] b) {
        factorInPlace(a);
        return solveFactored(a, b);
    }

    /**
     * Overwrites the lower triangle of symmetric positive definite {@code a} with its Cholesky factor {@code L}
     * ({@code A = L Lᵀ}).
     */
    static void factorInPlace(double[][] a) {
        int n = a.length;
        for (int j = 0; j < n; j++) {
            double diagonal = a[j][j];
            for (int k = 0; k < j; k++) {
                diagonal -= a[j][k] * a[j][k];
            }
            if (diagonal <= 0) {
                throw new IllegalArgumentException("matrix is not positive definite at row " + j);
            }
            double l = Math.sqrt(diagonal);
            a[j][j] = l;
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= a[i][k] * a[j][k];
                }
                a[i][j] = s / l;
            }
        }
    }

    /** Solves {@code L Lᵀ x = b} with the factor {@link #factorInPlace} left in {@code l}'s lower triangle. */
    static double[] solveFactored(double[][] l, double[] b) {
        int n = b.length;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /**
     * The λ of {@code lambdas} with the least squared error summed over every target column of {@code targets}
     * ({@code targets[output][row]}) in 5-fold cross-validation (fold f holds out every row i with i mod 5 = f); one
     * factorisation per fold and λ serves all columns.
     */
    static double chooseSharedLambda(double[][] kernel, double[][] targets, double[] lambdas) {
        int n = kernel.length;
        double best = lambdas[0];
        double bestError = Double.POSITIVE_INFINITY;
        for (double lambda : lambdas) {
            double error = 0;
            for (int f = 0; f < FOLDS; f++) {
                int[][] rows = foldRows(n, f);
                int[] a = rows[0];
                int[] b = rows[1];
                double[][] factor = sub(kernel, a, a);
                for (int i = 0; i < a.length; i++) {
                    factor[i][i] += lambda;
                }
                factorInPlace(factor);
                double[][] testKernel = sub(kernel, b, a);
                for (double[] y : targets) {
                    double[] fitted = select(y, a);
                    double mean = sumOf(fitted) / fitted.length;
                    for (int i = 0; i < fitted.length; i++) {
                        fitted[i] -= mean;
                    }
                    double[] alpha = solveFactored(factor, fitted);
                    for (int t = 0; t < b.length; t++) {
                        double predicted = mean;
                        for (int i = 0; i < a.length; i++) {
                            predicted += testKernel[t][i] * alpha[i];
                        }
                        double e = predicted - y[b[t]];
                        error += e * e;
                    }
                }
            }
            if (error < bestError) {
                bestError = error;
                best = lambda;
            }
        }
        return best;
    }

    private static double[][] sub(double[][] m, int[] rows, int[] cols) {
        double[][] out = new double[rows.length][cols.length];
        for (int a = 0; a < rows.length; a++) {
            for (int b = 0; b < cols.length; b++) {
                out[a][b] = m[rows[a]][cols[b]];
            }
        }
        return out;
    }

    private static double[] select(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n − 1). */
    private static double sd(double[] values) {
        double m = mean(values);
        double s = 0;
        for (double v : values) {
            s += (v - m) * (v - m);
        }
        return values.length > 1 ? Math.sqrt(s / (values.length - 1)) : 0;
    }
}
