package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import visq.gpu.image.nss.BrisqueFeatures;

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

    private final SupportVectorRegression regression;
    private final FeatureScaling scaling;

    private Brisque(SupportVectorRegression regression, FeatureScaling scaling) {
        this.regression = regression;
        this.scaling = scaling;
    }

    /**
     * A BRISQUE metric from a trained regressor and the feature scaling it was trained with.
     *
     * @throws IllegalArgumentException if either does not cover exactly {@value BrisqueFeatures#FEATURES} features
     */
    public static Brisque of(SupportVectorRegression regression, FeatureScaling scaling) {
        int features = BrisqueFeatures.FEATURES;
        if (scaling.dimension() != features || regression.dimension() > features) {
            throw new IllegalArgumentException("BRISQUE needs a " + features + "-feature model and scaling, got "
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
     * @throws IllegalArgumentException if a side is below {@value BrisqueFeatures#MIN_SIDE} pixels or the image is so
     *     uniform that the statistics are undefined
     */
    @Override
    public double score(BufferedImage image) {
        return regression.predict(scaling.scale(BrisqueFeatures.features(image)));
    }
}
