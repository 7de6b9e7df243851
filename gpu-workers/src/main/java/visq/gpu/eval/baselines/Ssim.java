package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;
import visq.gpu.image.nss.GaussianWindow;
import visq.gpu.image.nss.LumaPlane;

/**
 * Structural similarity (Wang, Bovik, Sheikh and Simoncelli, IEEE TIP 2004) on the luma channel, as the
 * IQA-PyTorch toolbox reports {@code ssim}: YIQ luma rounded to 0..255, local statistics under an 11 by 11
 * Gaussian window (σ = 1.5) over the valid region only (no padding), constants {@code C1 = (0.01 · 255)²} and
 * {@code C2 = (0.03 · 255)²}, no downsampling, and the mean of the SSIM map. 1 for identical images; higher is
 * better. Stateless and thread-safe.
 */
public final class Ssim implements FullReferenceMetric {

    /** The name {@link BaselineMetrics} selects this metric by. */
    public static final String NAME = "ssim";
    /** The side of the Gaussian window. */
    public static final int WINDOW = 11;
    /** The Gaussian window's standard deviation. */
    public static final double WINDOW_SIGMA = 1.5;

    private static final double C1 = (0.01 * 255) * (0.01 * 255);
    private static final double C2 = (0.03 * 255) * (0.03 * 255);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    /**
     * The mean SSIM of {@code distorted} against {@code reference}.
     *
     * @throws IllegalArgumentException if the sizes differ or a side is below {@value #WINDOW} pixels
     */
    @Override
    public double score(BufferedImage reference, BufferedImage distorted) {
        FullReferenceInputs.requireSameSize(reference, distorted);
        if (reference.getWidth() < WINDOW || reference.getHeight() < WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + WINDOW + "x" + WINDOW + " pixels; the images"
                    + " are " + reference.getWidth() + "x" + reference.getHeight());
        }
        return score(LumaPlane.ofRgb(reference), LumaPlane.ofRgb(distorted));
    }

    static double score(LumaPlane reference, LumaPlane distorted) {
        int width = reference.width();
        int height = reference.height();
        double[] x = reference.toArray();
        double[] y = distorted.toArray();
        double[] xx = new double[x.length];
        double[] yy = new double[x.length];
        double[] xy = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] window = GaussianWindow.line(WINDOW, WINDOW_SIGMA);
        double[] muX = validFilter(x, width, height, window);
        double[] muY = validFilter(y, width, height, window);
        double[] sXX = validFilter(xx, width, height, window);
        double[] sYY = validFilter(yy, width, height, window);
        double[] sXY = validFilter(xy, width, height, window);
        double sum = 0;
        for (int i = 0; i < muX.length; i++) {
            double mx = muX[i];
            double my = muY[i];
            double varX = sXX[i] - mx * mx;
            double varY = sYY[i] - my * my;
            double covariance = sXY[i] - mx * my;
            sum += ((2 * mx * my + C1) * (2 * covariance + C2)) / ((mx * mx + my * my + C1) * (varX + varY + C2));
        }
        return sum / muX.length;
    }

    /** Separable filtering with {@code window} keeping only positions where the window fits entirely. */
    private static double[] validFilter(double[] in, int width, int height, double[] window) {
        int taps = window.length;
        int outWidth = width - taps + 1;
        int outHeight = height - taps + 1;
        double[] rows = new double[outWidth * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < outWidth; x++) {
                double sum = 0;
                for (int t = 0; t < taps; t++) {
                    sum += window[t] * in[y * width + x + t];
                }
                rows[y * outWidth + x] = sum;
            }
        }
        double[] out = new double[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                double sum = 0;
                for (int t = 0; t < taps; t++) {
                    sum += window[t] * rows[(y + t) * outWidth + x];
                }
                out[y * outWidth + x] = sum;
            }
        }
        return out;
    }
}
