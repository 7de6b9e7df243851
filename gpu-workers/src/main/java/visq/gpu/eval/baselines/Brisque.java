package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * BRISQUE, the Blind/Referenceless Image Spatial Quality Evaluator (Mittal, Moorthy and Bovik, IEEE TIP 2012):
 * 36 natural-scene statistics of the image regressed onto opinion scores by a support-vector regressor trained
 * on LIVE. Lower is better (roughly 0 for pristine, 100 for badly distorted images; values may leave that range).
 *
 * <p>As the IQA-PyTorch toolbox computes it: YIQ luma rounded to 0..255; at each of two scales (the second a
 * MATLAB-style bicubic halving) MSCN coefficients with a 7 by 7 Gaussian (σ = 7/6, zero padding, single
 * precision as the toolbox's float tensors) give 18 features over the whole image: a GGD fit of the
 * coefficients (shape, variance) and, for each of four neighbour orientations with circular wrap-around, an
 * AGGD fit of the neighbour products (shape, mean, left variance, right variance). The features are scaled to
 * [-1, 1] with the training ranges and fed to the regressor. Instances are immutable and thread-safe.
 */
public final class Brisque implements NoReferenceMetric {

    /** The name {@link BaselineMetrics} selects this metric by. */
    public static final String NAME = "brisque";
    /** Features per image: 18 per scale, two scales. */
    public static final int FEATURES = 36;
    /** The smallest side the two scales and the 7 by 7 window allow. */
    public static final int MIN_SIDE = 16;

    private final SupportVectorRegression regression;
    private final FeatureScaling scaling;

    private Brisque(SupportVectorRegression regression, FeatureScaling scaling) {
        this.regression = regression;
        this.scaling = scaling;
    }

    /**
     * A BRISQUE metric from a trained regressor and the feature scaling it was trained with.
     *
     * @throws IllegalArgumentException if either does not cover exactly {@value #FEATURES} features
     */
    public static Brisque of(SupportVectorRegression regression, FeatureScaling scaling) {
        if (scaling.dimension() != FEATURES || regression.dimension() > FEATURES) {
            throw new IllegalArgumentException("BRISQUE needs a " + FEATURES + "-feature model and scaling, got "
                    + regression.dimension() + " and " + scaling.dimension());
        }
        return new Brisque(regression, scaling);
    }

    /**
     * Reads the libsvm model and the {@code svm-scale} range file.
     *
     * @throws IOException if a file cannot be read
     */
    public static Brisque load(Path libsvmModel, Path rangeFile) throws IOException {
        return of(SupportVectorRegression.load(libsvmModel), FeatureScaling.load(rangeFile));
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
     * The BRISQUE score of {@code image}.
     *
     * @throws IllegalArgumentException if a side is below {@value #MIN_SIDE} pixels or the image is so uniform
     *     that the statistics are undefined
     */
    @Override
    public double score(BufferedImage image) {
        return regression.predict(scaling.scale(features(LumaPlane.ofRgb(image))));
    }

    /**
     * The 36 unscaled features of {@code image}'s luma (at least {@value #MIN_SIDE} pixels a side).
     *
     * @throws IllegalArgumentException when the image is too small, or its features are undefined (a uniform image)
     */
    public static double[] features(BufferedImage image) {
        return features(LumaPlane.ofRgb(image));
    }

    /** The 36 unscaled features of {@code luma}. */
    static double[] features(LumaPlane luma) {
        if (luma.width() < MIN_SIDE || luma.height() < MIN_SIDE) {
            throw new IllegalArgumentException("BRISQUE needs at least " + MIN_SIDE + "x" + MIN_SIDE
                    + " pixels; the image is " + luma.width() + "x" + luma.height());
        }
        double[] out = new double[FEATURES];
        LumaPlane plane = luma;
        int k = 0;
        for (int scale = 1; scale <= 2; scale++) {
            double[] mscn = NaturalSceneStatistics.mscnZeroPaddedSingle(plane);
            NaturalSceneStatistics.GgdFit fit = NaturalSceneStatistics.fitGgd(mscn);
            out[k++] = fit.shape();
            out[k++] = fit.sigma() * fit.sigma();
            for (int[] shift : NaturalSceneStatistics.SHIFTS) {
                double[] products = NaturalSceneStatistics.neighbourProducts(mscn, plane.width(), plane.height(),
                        shift[0], shift[1]);
                NaturalSceneStatistics.AggdFit pair = NaturalSceneStatistics.fitAggd(products);
                out[k++] = pair.shape();
                out[k++] = (pair.rightSigma() - pair.leftSigma())
                        * NaturalSceneStatistics.meanFactorOfDeviations(pair.shape());
                out[k++] = pair.leftSigma() * pair.leftSigma();
                out[k++] = pair.rightSigma() * pair.rightSigma();
            }
            if (scale == 1) {
                plane = plane.halved();
            }
        }
        for (double feature : out) {
            if (!Double.isFinite(feature)) {
                throw new IllegalArgumentException("BRISQUE is undefined for this image: its normalised coefficients"
                        + " have no negative or no positive values (a uniform image?)");
            }
        }
        return out;
    }
}
