package visq.gpu.image;

import java.awt.image.BufferedImage;
import visq.gpu.image.nss.BrisqueFeatures;

/**
 * Natural-scene statistics of an image at native resolution, as extra model input next to the pixel views.
 *
 * <p>The compact policy sees the image through two 48-pixel views; fine noise, blur and compression over the whole
 * photograph are mostly lost in them. These statistics keep them: the 36 BRISQUE features (method.md §4's
 * baseline; MSCN coefficients and their neighbour products, fitted with generalised Gaussians, at full and half
 * scale) of the centre crop of at most {@value #MAX_SIDE} pixels a side, standardised as
 * {@code (feature - CENTRE[i]) / SCALE[i]} so every input is of order 1. CENTRE and SCALE are the mean and standard
 * deviation of each feature over the 615 images of the CLIVE training split of the embedded default (seed
 * 20261123), rounded; they only set the scale of the inputs, the model learns what the features mean.
 *
 * <p>An image smaller than {@value BrisqueFeatures#MIN_SIDE} pixels a side, or a uniform one (its normalised
 * coefficients have one sign), has no defined statistics: its 36 values are 0 and the last value,
 * {@link #UNDEFINED_FLAG}, is 1; for every other image the flag is 0. Pure; safe to share.
 */
public final class ImageStatistics {
    /** Values per image: 36 standardised features and the undefined flag. */
    public static final int COUNT = BrisqueFeatures.FEATURES + 1;
    /** Index of the flag that says the features are undefined. */
    public static final int UNDEFINED_FLAG = BrisqueFeatures.FEATURES;
    /** Side of the largest centre crop the features are computed on (bounds the cost for huge images). */
    public static final int MAX_SIDE = 512;

    private static final double[] CENTRE = {
        1.80, 0.211, 0.625, 0.052, 0.044, 0.086, 0.623, 0.055, 0.042, 0.086, 0.645, -0.009, 0.065, 0.054, 0.645,
        -0.008, 0.065, 0.055,
        1.93, 0.232, 0.652, 0.060, 0.049, 0.100, 0.652, 0.057, 0.051, 0.098, 0.664, -0.012, 0.079, 0.065, 0.663,
        -0.011, 0.078, 0.065,
    };
    private static final double[] SCALE = {
        0.54, 0.085, 0.137, 0.039, 0.034, 0.055, 0.135, 0.042, 0.037, 0.053, 0.134, 0.026, 0.050, 0.035, 0.135,
        0.026, 0.049, 0.034,
        0.61, 0.086, 0.140, 0.039, 0.036, 0.056, 0.139, 0.042, 0.039, 0.055, 0.136, 0.028, 0.052, 0.037, 0.137,
        0.029, 0.053, 0.037,
    };

    private ImageStatistics() {}

    /** The {@value #COUNT} statistics of {@code image}. */
    public static float[] of(BufferedImage image) {
        float[] out = new float[COUNT];
        int cropWidth = Math.min(MAX_SIDE, image.getWidth());
        int cropHeight = Math.min(MAX_SIDE, image.getHeight());
        BufferedImage crop = image.getSubimage((image.getWidth() - cropWidth) / 2, (image.getHeight() - cropHeight) / 2,
                cropWidth, cropHeight);
        double[] features;
        try {
            features = BrisqueFeatures.features(crop);
        } catch (IllegalArgumentException undefined) { // smaller than BrisqueFeatures.MIN_SIDE, or uniform
            out[UNDEFINED_FLAG] = 1f;
            return out;
        }
        for (int i = 0; i < BrisqueFeatures.FEATURES; i++) {
            out[i] = (float) ((features[i] - CENTRE[i]) / SCALE[i]);
        }
        return out;
    }
}
