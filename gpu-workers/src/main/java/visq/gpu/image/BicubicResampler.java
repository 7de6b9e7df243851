package visq.gpu.image;

/**
 * Resizes packed RGB pixels with the bicubic convolution filter (a = −0.5) exactly as Pillow's
 * {@code Image.resize(size, Image.BICUBIC)} does on 8-bit RGB images (Pillow 12), so that models trained on
 * Pillow-resized inputs see the same bytes.
 *
 * <p>The resize is separable, one 8-bit pass per axis that changes size; an axis that keeps its size is not
 * resampled at all, and an image whose size does not change is returned unchanged. When downsampling, the
 * filter support widens by the scale factor. For every output position the filter weights over the covered
 * source pixels are normalised to sum 1 and converted to fixed point with {@value #PRECISION_BITS} fraction bits
 * (rounded half away from zero); a pass accumulates {@code pixel × weight} in 32-bit integers starting from one
 * half, shifts the fraction away and clips to 0..255. Pillow resamples horizontally first, except for an image
 * more than 100 times taller than wide that loses height, which it resamples vertically first.
 *
 * <p>Pure and deterministic; safe to share between threads.
 */
public final class BicubicResampler {

    /** Fraction bits of the fixed-point weights: 8 bits of result, 2 bits of headroom for overshooting sums. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;

    private BicubicResampler() {}

    /**
     * {@code rgb} ({@code width × height} pixels {@code 0xRRGGBB}, row-major) resized to {@code outWidth ×
     * outHeight}; a new array even when the size does not change.
     */
    public static int[] resize(int[] rgb, int width, int height, int outWidth, int outHeight) {
        if (width <= 0 || height <= 0 || outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("bicubic resize needs positive sizes, got " + width + "x" + height
                    + " -> " + outWidth + "x" + outHeight);
        }
        if (rgb.length != width * height) {
            throw new IllegalArgumentException("bicubic resize of " + width + "x" + height + " needs "
                    + (long) width * height + " pixels, got " + rgb.length);
        }
        if (height > width * 100L && outHeight < height) {
            int[] rows = resizeVertically(rgb, width, height, outHeight);
            return resizeHorizontally(rows, width, outHeight, outWidth);
        }
        int[] columns = resizeHorizontally(rgb, width, height, outWidth);
        return resizeVertically(columns, outWidth, height, outHeight);
    }

    /** Every row of {@code rgb} resampled to {@code outWidth} pixels; a copy when the width does not change. */
    private static int[] resizeHorizontally(int[] rgb, int width, int height, int outWidth) {
        if (outWidth == width) {
            return rgb.clone();
        }
        AxisWeights columns = AxisWeights.of(width, outWidth);
        int[] out = new int[outWidth * height];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < outWidth; x++) {
                int first = columns.first[x];
                int[] weights = columns.weights[x];
                int red = AxisWeights.HALF;
                int green = AxisWeights.HALF;
                int blue = AxisWeights.HALF;
                for (int k = 0; k < weights.length; k++) {
                    int pixel = rgb[row + first + k];
                    int w = weights[k];
                    red += ((pixel >> 16) & 0xFF) * w;
                    green += ((pixel >> 8) & 0xFF) * w;
                    blue += (pixel & 0xFF) * w;
                }
                out[y * outWidth + x] = pack(red, green, blue);
            }
        }
        return out;
    }

    /** Every column of {@code rgb} resampled to {@code outHeight} pixels; a copy when the height does not change. */
    private static int[] resizeVertically(int[] rgb, int width, int height, int outHeight) {
        if (outHeight == height) {
            return rgb.clone();
        }
        AxisWeights rows = AxisWeights.of(height, outHeight);
        int[] out = new int[width * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int first = rows.first[y];
            int[] weights = rows.weights[y];
            for (int x = 0; x < width; x++) {
                int red = AxisWeights.HALF;
                int green = AxisWeights.HALF;
                int blue = AxisWeights.HALF;
                for (int k = 0; k < weights.length; k++) {
                    int pixel = rgb[(first + k) * width + x];
                    int w = weights[k];
                    red += ((pixel >> 16) & 0xFF) * w;
                    green += ((pixel >> 8) & 0xFF) * w;
                    blue += (pixel & 0xFF) * w;
                }
                out[y * width + x] = pack(red, green, blue);
            }
        }
        return out;
    }

    private static int pack(int red, int green, int blue) {
        return (clip(red) << 16) | (clip(green) << 8) | clip(blue);
    }

    /** A fixed-point sum as a byte: the fraction bits shifted away (rounding was added up front), clipped. */
    static int clip(int fixedPoint) {
        int value = fixedPoint >> PRECISION_BITS;
        return value < 0 ? 0 : Math.min(value, 255);
    }

    /** The bicubic convolution kernel with a = −0.5, evaluated in Pillow's order of operations. */
    static double kernel(double x) {
        double t = x < 0.0 ? -x : x;
        if (t < 1.0) {
            return ((A + 2.0) * t - (A + 3.0)) * t * t + 1;
        }
        if (t < 2.0) {
            return (((t - 5) * t + 8) * t - 4) * A;
        }
        return 0.0;
    }

    /** For each output position along one axis: the first source index and the fixed-point weights from there on. */
    static final class AxisWeights {
        /** One half in fixed point: the start of every sum, so that the final shift rounds. */
        static final int HALF = 1 << (PRECISION_BITS - 1);

        final int[] first;
        final int[][] weights;

        private AxisWeights(int[] first, int[][] weights) {
            this.first = first;
            this.weights = weights;
        }

        static AxisWeights of(int sourceLength, int targetLength) {
            double scale = (double) sourceLength / targetLength;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            double inverse = 1.0 / filterScale;
            int[] first = new int[targetLength];
            int[][] weights = new int[targetLength][];
            for (int i = 0; i < targetLength; i++) {
                double centre = (i + 0.5) * scale;
                // truncation toward zero after adding one half, as Pillow rounds the window ends
                int from = Math.max(0, (int) (centre - support + 0.5));
                int to = Math.min(sourceLength, (int) (centre + support + 0.5));
                double[] raw = new double[to - from];
                double sum = 0.0;
                for (int j = 0; j < raw.length; j++) {
                    raw[j] = kernel((j + from - centre + 0.5) * inverse);
                    sum += raw[j];
                }
                int[] fixed = new int[raw.length];
                for (int j = 0; j < raw.length; j++) {
                    double normalised = sum != 0.0 ? raw[j] / sum : raw[j];
                    fixed[j] = toFixedPoint(normalised);
                }
                first[i] = from;
                weights[i] = fixed;
            }
            return new AxisWeights(first, weights);
        }

        /** {@code weight × 2^PRECISION_BITS} rounded half away from zero. */
        static int toFixedPoint(double weight) {
            double scaled = weight * (1 << PRECISION_BITS);
            return weight < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
        }
    }
}
