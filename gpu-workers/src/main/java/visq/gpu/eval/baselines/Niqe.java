package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import visq.gpu.image.nss.LumaPlane;
import visq.gpu.image.nss.NaturalSceneStatistics;

/**
 * NIQE, the Natural Image Quality Evaluator (Mittal, Soundararajan and Bovik, IEEE SPL 2013): the distance
 * between a multivariate Gaussian fitted to an image's patch statistics and one fitted to pristine images.
 * Lower is better.
 *
 * <p>As the IQA-PyTorch toolbox's Python version: the image becomes YIQ luma rounded to 0..255 and is cropped to
 * whole 96 by 96 patches. At each of two scales (the second a MATLAB-style bicubic halving) MSCN coefficients
 * are formed with a 7 by 7 Gaussian (σ = 7/6, edges replicated) and every patch (96, then 48 pixels square) gives
 * 18 features: an AGGD fit of the coefficients (shape, mean of the two side scales) and, for each of four
 * neighbour orientations, an AGGD fit of the neighbour products (shape, mean, left scale, right scale). All
 * patches are used (the sharpness selection only served to build the pristine model). The score is
 * {@code sqrt((μp - μ)ᵀ pinv((Σp + Σ) / 2) (μp - μ))} with the patches' mean {@code μ} and sample covariance
 * {@code Σ}. Instances are immutable and thread-safe.
 */
public final class Niqe implements NoReferenceMetric {

    /** The name {@link BaselineMetrics} selects this metric by. */
    public static final String NAME = "niqe";
    /** The side of a first-scale patch in pixels. */
    public static final int PATCH = 96;
    /** Features per patch: 18 per scale, two scales. */
    public static final int FEATURES = 36;

    private final double[] pristineMean;
    private final double[][] pristineCovariance;

    private Niqe(double[] pristineMean, double[][] pristineCovariance) {
        this.pristineMean = pristineMean;
        this.pristineCovariance = pristineCovariance;
    }

    /**
     * A NIQE metric with the given pristine model: a mean of {@value #FEATURES} features and their
     * {@value #FEATURES} by {@value #FEATURES} covariance (rows). The arrays are copied.
     */
    public static Niqe withPristineModel(double[] mean, double[][] covariance) {
        if (mean.length != FEATURES || covariance.length != FEATURES) {
            throw new IllegalArgumentException("NIQE pristine model needs " + FEATURES + " means and a " + FEATURES
                    + "x" + FEATURES + " covariance, got " + mean.length + " and " + covariance.length + " rows");
        }
        double[][] copy = new double[FEATURES][];
        for (int i = 0; i < FEATURES; i++) {
            if (covariance[i].length != FEATURES) {
                throw new IllegalArgumentException("NIQE covariance row " + i + " has " + covariance[i].length
                        + " values, expected " + FEATURES);
            }
            copy[i] = covariance[i].clone();
        }
        return new Niqe(mean.clone(), copy);
    }

    /**
     * Reads the pristine model from comma-separated files: {@code meanCsv} with {@value #FEATURES} numbers,
     * {@code covarianceCsv} with {@value #FEATURES} lines of {@value #FEATURES} numbers.
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if a file does not hold numbers of the right count
     */
    public static Niqe load(Path meanCsv, Path covarianceCsv) throws IOException {
        List<double[]> meanRows = readCsv(meanCsv);
        double[] mean = meanRows.stream().flatMapToDouble(Arrays::stream).toArray();
        if (mean.length != FEATURES) {
            throw new IllegalArgumentException(meanCsv + ": expected " + FEATURES + " numbers, found " + mean.length);
        }
        List<double[]> rows = readCsv(covarianceCsv);
        if (rows.size() != FEATURES) {
            throw new IllegalArgumentException(covarianceCsv + ": expected " + FEATURES + " lines, found "
                    + rows.size());
        }
        return withPristineModel(mean, rows.toArray(new double[0][]));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    /**
     * The NIQE score of {@code image}.
     *
     * @throws IllegalArgumentException if fewer than two whole 96 by 96 patches fit in the image, or the image is
     *     so uniform that a feature is undefined in every patch
     */
    @Override
    public double score(BufferedImage image) {
        return score(LumaPlane.ofRgb(image));
    }

    double score(LumaPlane luma) {
        double[][] features = patchFeatures(luma);
        int patches = features.length;
        double[] mean = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            double sum = 0;
            int count = 0;
            for (double[] patch : features) {
                if (!Double.isNaN(patch[f])) {
                    sum += patch[f];
                    count++;
                }
            }
            mean[f] = sum / count;
        }
        // Sample covariance (n - 1), NaN features treated as zero, as the toolbox does.
        double[] columnMean = new double[FEATURES];
        for (double[] patch : features) {
            for (int f = 0; f < FEATURES; f++) {
                columnMean[f] += zeroIfNaN(patch[f]) / patches;
            }
        }
        double[][] pooled = new double[FEATURES][FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            for (int j = i; j < FEATURES; j++) {
                double sum = 0;
                for (double[] patch : features) {
                    sum += (zeroIfNaN(patch[i]) - columnMean[i]) * (zeroIfNaN(patch[j]) - columnMean[j]);
                }
                double covariance = sum / (patches - 1);
                pooled[i][j] = (pristineCovariance[i][j] + covariance) / 2;
                pooled[j][i] = (pristineCovariance[j][i] + covariance) / 2;
            }
        }
        double[][] inverse = SymmetricPseudoInverse.of(pooled);
        double[] diff = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            diff[f] = pristineMean[f] - mean[f];
        }
        double quadratic = 0;
        for (int i = 0; i < FEATURES; i++) {
            double row = 0;
            for (int j = 0; j < FEATURES; j++) {
                row += inverse[i][j] * diff[j];
            }
            quadratic += diff[i] * row;
        }
        if (Double.isNaN(quadratic)) {
            throw new IllegalArgumentException("NIQE is undefined for this image: some feature has no value in any"
                    + " patch (a uniform image?)");
        }
        return Math.sqrt(Math.max(0, quadratic));
    }

    /** The {@value #FEATURES} features of every patch, patches in column-major order. */
    static double[][] patchFeatures(LumaPlane luma) {
        int across = luma.width() / PATCH;
        int down = luma.height() / PATCH;
        if (across * down < 2) {
            throw new IllegalArgumentException("NIQE needs at least two whole " + PATCH + "x" + PATCH
                    + " patches; the image is " + luma.width() + "x" + luma.height());
        }
        LumaPlane plane = luma.cropTopLeft(across * PATCH, down * PATCH);
        double[][] features = new double[across * down][FEATURES];
        for (int scale = 1; scale <= 2; scale++) {
            double[] mscn = NaturalSceneStatistics.mscnReplicated(plane);
            int side = PATCH / scale;
            int offset = (scale - 1) * (FEATURES / 2);
            int patch = 0;
            for (int px = 0; px < across; px++) {
                for (int py = 0; py < down; py++) {
                    double[] block = block(mscn, plane.width(), px * side, py * side, side);
                    blockFeatures(block, side, features[patch++], offset);
                }
            }
            if (scale == 1) {
                plane = plane.halved();
            }
        }
        return features;
    }

    private static double[] block(double[] values, int width, int x0, int y0, int side) {
        double[] out = new double[side * side];
        for (int y = 0; y < side; y++) {
            System.arraycopy(values, (y0 + y) * width + x0, out, y * side, side);
        }
        return out;
    }

    private static void blockFeatures(double[] block, int side, double[] out, int offset) {
        NaturalSceneStatistics.AggdFit fit = NaturalSceneStatistics.fitAggd(block);
        int k = offset;
        out[k++] = fit.shape();
        out[k++] = (fit.leftScale() + fit.rightScale()) / 2;
        for (int[] shift : NaturalSceneStatistics.SHIFTS) {
            double[] products = NaturalSceneStatistics.neighbourProducts(block, side, side, shift[0], shift[1]);
            NaturalSceneStatistics.AggdFit pair = NaturalSceneStatistics.fitAggd(products);
            double left = pair.leftScale();
            double right = pair.rightScale();
            out[k++] = pair.shape();
            out[k++] = (right - left) * NaturalSceneStatistics.meanFactor(pair.shape());
            out[k++] = left;
            out[k++] = right;
        }
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static List<double[]> readCsv(Path path) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] cells = trimmed.split(",");
            double[] row = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                try {
                    row[i] = Double.parseDouble(cells[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(path + ": not a number: '" + cells[i] + "'", e);
                }
            }
            rows.add(row);
        }
        return rows;
    }
}
