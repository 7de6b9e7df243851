package visq.gpu.image;

import java.awt.image.BufferedImage;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Applies a {@link DegradationLabel} to an image exactly, so that generated training images carry true labels
 * for Q-Insight's degradation task. Deterministic: the same source, label and seed give the same pixels.
 *
 * <table>
 *   <caption>Parameters per class and severity</caption>
 *   <tr><th>class</th><th>parameter</th><th>slight</th><th>moderate</th><th>obvious</th><th>serious</th>
 *       <th>catastrophic</th></tr>
 *   <tr><td>noise</td><td>Gaussian σ, 0..255 scale, per channel</td>
 *       <td>5</td><td>10</td><td>18</td><td>30</td><td>50</td></tr>
 *   <tr><td>compression</td><td>JPEG quality (JDK codec)</td>
 *       <td>60</td><td>35</td><td>20</td><td>10</td><td>4</td></tr>
 *   <tr><td>blur</td><td>Gaussian σ, pixels</td>
 *       <td>0.8</td><td>1.5</td><td>2.5</td><td>4</td><td>6</td></tr>
 *   <tr><td>darken</td><td>γ / gain in {@code 255·gain·(v/255)^γ}</td>
 *       <td>1.3 / 0.92</td><td>1.7 / 0.82</td><td>2.2 / 0.70</td><td>2.8 / 0.56</td><td>3.6 / 0.42</td></tr>
 * </table>
 *
 * <p>Neighbouring levels are far enough apart to tell by measurement: residual standard deviation grows with
 * the noise level, high-frequency energy falls with blur, mean luminance falls with darkening, and PSNR to the
 * source falls with compression. Only noise uses the seed. The result is always a new compact RGB image; the
 * label {@linkplain DegradationLabel#none() none} gives a copy.
 */
public final class Degrader {

    private static final double[] NOISE_SIGMA = {5, 10, 18, 30, 50};
    private static final float[] JPEG_QUALITY = {0.60f, 0.35f, 0.20f, 0.10f, 0.04f};
    private static final double[] BLUR_SIGMA = {0.8, 1.5, 2.5, 4, 6};
    private static final double[] DARKEN_GAMMA = {1.3, 1.7, 2.2, 2.8, 3.6};
    private static final double[] DARKEN_GAIN = {0.92, 0.82, 0.70, 0.56, 0.42};

    private Degrader() {}

    /** A degraded copy of {@code source}; {@code seed} drives the noise and nothing else. */
    public static BufferedImage apply(BufferedImage source, DegradationLabel label, long seed) {
        if (label.isNone()) {
            return none(source);
        }
        DegradationClass degradation = label.degradationClass().orElseThrow();
        int level = label.severity().orElseThrow().level() - 1;
        BufferedImage rgbImage = IntRgbImages.toIntRgb(source);
        int width = rgbImage.getWidth();
        int height = rgbImage.getHeight();
        int[] rgb = IntRgbImages.pixels(rgbImage);
        switch (degradation) {
            case NOISE:
                return imageOf(GaussianNoise.apply(rgb, NOISE_SIGMA[level], seed), width, height);
            case COMPRESSION:
                return JpegCompression.apply(rgbImage, JPEG_QUALITY[level]);
            case BLUR:
                return imageOf(GaussianBlur.apply(rgb, width, height, BLUR_SIGMA[level]), width, height);
            case DARKEN:
                return imageOf(Darkening.apply(rgb, DARKEN_GAMMA[level], DARKEN_GAIN[level]), width, height);
            default:
                throw new IllegalArgumentException("no degradation for class " + degradation);
        }
    }

    /** An undegraded compact RGB copy of {@code source}. */
    public static BufferedImage none(BufferedImage source) {
        return IntRgbImages.copyOf(source);
    }

    private static BufferedImage imageOf(int[] rgb, int width, int height) {
        BufferedImage image = IntRgbImages.create(width, height);
        System.arraycopy(rgb, 0, IntRgbImages.pixels(image), 0, rgb.length);
        return image;
    }
}
