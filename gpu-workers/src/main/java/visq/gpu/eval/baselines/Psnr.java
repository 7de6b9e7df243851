package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Peak signal-to-noise ratio over the three RGB channels with data range 255, in decibels: {@code 10 ·
 * log10(1 / (mse + 1e-8))} where {@code mse} is the mean squared difference of the values scaled to [0, 1].
 * This is the IQA-PyTorch toolbox's reported {@code psnr} (its small epsilon caps identical images at 80 dB).
 * Higher is better. Stateless and thread-safe.
 */
public final class Psnr implements FullReferenceMetric {

    /** The name {@link BaselineMetrics} selects this metric by. */
    public static final String NAME = "psnr";
    /** Added to the mean squared error (on [0, 1] values) so identical images score 80 dB, not infinity. */
    public static final double EPSILON = 1e-8;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(BufferedImage reference, BufferedImage distorted) {
        FullReferenceInputs.requireSameSize(reference, distorted);
        int[] a = IntRgbImages.pixels(IntRgbImages.toIntRgb(reference));
        int[] b = IntRgbImages.pixels(IntRgbImages.toIntRgb(distorted));
        long sumSquares = 0;
        for (int i = 0; i < a.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                int d = ((a[i] >> shift) & 0xff) - ((b[i] >> shift) & 0xff);
                sumSquares += (long) d * d;
            }
        }
        double mse = sumSquares / (3.0 * a.length) / (255.0 * 255.0);
        return 10 * Math.log10(1 / (mse + EPSILON));
    }
}
