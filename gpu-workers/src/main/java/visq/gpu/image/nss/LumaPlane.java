package visq.gpu.image.nss;

import java.awt.image.BufferedImage;
import visq.gpu.image.raster.IntRgbImages;

/**
 * A grey image as a row-major array of doubles on the 0..255 scale: the luma of an RGB image, a crop of it, or a
 * half-size resampling. Instances never change after construction; the array is not shared with callers.
 */
public final class LumaPlane {

    /** Taps of the antialiased bicubic (a = -0.5) kernel for an exact downscale by two, offsets -3..+4. */
    private static final double[] HALF_TAPS = halfTaps();

    private final int width;
    private final int height;
    private final double[] values;

    LumaPlane(int width, int height, double[] values) {
        if (width <= 0 || height <= 0 || values.length != width * height) {
            throw new IllegalArgumentException("plane of " + width + "x" + height + " needs " + width * height
                    + " values, got " + values.length);
        }
        this.width = width;
        this.height = height;
        this.values = values;
    }

    /**
     * The Y channel of YIQ (0.299 R + 0.587 G + 0.114 B), rounded half-to-even to whole grey levels as the
     * IQA-PyTorch toolbox does before NIQE, BRISQUE and SSIM.
     */
    public static LumaPlane ofRgb(BufferedImage image) {
        BufferedImage rgb = IntRgbImages.toIntRgb(image);
        int[] pixels = IntRgbImages.pixels(rgb);
        double[] luma = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            double r = ((p >> 16) & 0xff) / 255.0;
            double g = ((p >> 8) & 0xff) / 255.0;
            double b = (p & 0xff) / 255.0;
            luma[i] = Math.rint((0.299 * r + 0.587 * g + 0.114 * b) * 255.0);
        }
        return new LumaPlane(rgb.getWidth(), rgb.getHeight(), luma);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The value at column {@code x}, row {@code y}. */
    double at(int x, int y) {
        return values[y * width + x];
    }

    /** A copy of the values, row-major. */
    public double[] toArray() {
        return values.clone();
    }

    /** The top-left {@code cropWidth} by {@code cropHeight} region. */
    public LumaPlane cropTopLeft(int cropWidth, int cropHeight) {
        if (cropWidth > width || cropHeight > height) {
            throw new IllegalArgumentException("cannot crop " + width + "x" + height + " to " + cropWidth + "x"
                    + cropHeight);
        }
        double[] out = new double[cropWidth * cropHeight];
        for (int y = 0; y < cropHeight; y++) {
            System.arraycopy(values, y * width, out, y * cropWidth, cropWidth);
        }
        return new LumaPlane(cropWidth, cropHeight, out);
    }

    /**
     * Half-size resampling as MATLAB's {@code imresize(img, 0.5)} does: the bicubic kernel (a = -0.5) widened by
     * two against aliasing, eight taps per output sample, mirrored edges, columns then rows. The output has
     * {@code ceil(width / 2)} by {@code ceil(height / 2)} samples and is neither rounded nor clipped.
     */
    public LumaPlane halved() {
        int outWidth = (width + 1) / 2;
        int outHeight = (height + 1) / 2;
        int taps = HALF_TAPS.length;
        int[] columns = halfTapSources(outWidth, width);
        double[] rows = new double[outWidth * height];
        for (int y = 0; y < height; y++) {
            int start = y * width;
            for (int j = 0; j < outWidth; j++) {
                double sum = 0;
                for (int t = 0; t < taps; t++) {
                    sum += HALF_TAPS[t] * values[start + columns[j * taps + t]];
                }
                rows[y * outWidth + j] = sum;
            }
        }
        int[] sourceRows = halfTapSources(outHeight, height);
        double[] out = new double[outWidth * outHeight];
        for (int i = 0; i < outHeight; i++) {
            int start = i * outWidth;
            // tap by tap over the whole output row: each sample still adds its eight taps in order
            for (int t = 0; t < taps; t++) {
                double tap = HALF_TAPS[t];
                int from = sourceRows[i * taps + t] * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    out[start + x] += tap * rows[from + x];
                }
            }
        }
        return new LumaPlane(outWidth, outHeight, out);
    }

    /** For each of {@code outputs} samples, the mirrored input index of each of its taps (output-major). */
    private static int[] halfTapSources(int outputs, int inputs) {
        int taps = HALF_TAPS.length;
        int[] sources = new int[outputs * taps];
        for (int j = 0; j < outputs; j++) {
            for (int t = 0; t < taps; t++) {
                sources[j * taps + t] = mirror(2 * j - 3 + t, inputs);
            }
        }
        return sources;
    }

    /** Index {@code i} reflected into {@code [0, n)} with the edge sample repeated (MATLAB's "symmetric"). */
    static int mirror(int i, int n) {
        int period = 2 * n;
        int k = Math.floorMod(i, period);
        return k < n ? k : period - 1 - k;
    }

    private static double[] halfTaps() {
        double[] taps = new double[8];
        double sum = 0;
        for (int t = 0; t < 8; t++) {
            double distance = t - 3.5; // output sample sits half-way between inputs 2j and 2j + 1
            taps[t] = 0.5 * cubic(0.5 * distance);
            sum += taps[t];
        }
        for (int t = 0; t < 8; t++) {
            taps[t] /= sum;
        }
        return taps;
    }

    /** Keys' cubic convolution kernel with a = -0.5, MATLAB's "bicubic". */
    static double cubic(double x) {
        double a = Math.abs(x);
        if (a <= 1) {
            return 1.5 * a * a * a - 2.5 * a * a + 1;
        }
        if (a <= 2) {
            return -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2;
        }
        return 0;
    }
}
