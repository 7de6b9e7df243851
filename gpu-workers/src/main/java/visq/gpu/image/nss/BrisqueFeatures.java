package visq.gpu.image.nss;

import java.awt.image.BufferedImage;
import java.util.function.Function;

/**
 * The 36 natural-scene statistics BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012) regresses onto opinion scores,
 * computed as the IQA-PyTorch toolbox computes them (see {@code visq.gpu.eval.baselines.Brisque}); also the
 * compact policy's extra image input ({@code visq.gpu.image.ImageStatistics}). Pure; safe to share.
 */
public final class BrisqueFeatures {
    /** Features per image: 18 per scale, two scales. */
    public static final int FEATURES = 36;
    /** The smallest side the two scales and the 7 by 7 window allow. */
    public static final int MIN_SIDE = 16;

    private BrisqueFeatures() {}

    /**
     * The 36 unscaled features of {@code image}'s luma (at least {@value #MIN_SIDE} pixels a side).
     *
     * @throws IllegalArgumentException when the image is too small, or its features are undefined (a uniform image)
     */
    public static double[] features(BufferedImage image) {
        return features(LumaPlane.ofRgb(image));
    }

    /** The 36 unscaled features of {@code luma}. */
    public static double[] features(LumaPlane luma) {
        return features(luma, NaturalSceneStatistics::mscnZeroPaddedSingle);
    }

    /** The 36 unscaled features of {@code luma}, with {@code mscn} giving each scale's MSCN coefficients. */
    static double[] features(LumaPlane luma, Function<LumaPlane, double[]> mscn) {
        if (luma.width() < MIN_SIDE || luma.height() < MIN_SIDE) {
            throw new IllegalArgumentException("BRISQUE needs at least " + MIN_SIDE + "x" + MIN_SIDE
                    + " pixels; the image is " + luma.width() + "x" + luma.height());
        }
        double[] out = new double[FEATURES];
        LumaPlane plane = luma;
        int k = 0;
        for (int scale = 1; scale <= 2; scale++) {
            double[] coefficients = mscn.apply(plane);
            NaturalSceneStatistics.GgdFit fit = NaturalSceneStatistics.fitGgd(coefficients);
            out[k++] = fit.shape();
            out[k++] = fit.sigma() * fit.sigma();
            for (int[] shift : NaturalSceneStatistics.SHIFTS) {
                double[] products = NaturalSceneStatistics.neighbourProducts(coefficients, plane.width(),
                        plane.height(), shift[0], shift[1]);
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
