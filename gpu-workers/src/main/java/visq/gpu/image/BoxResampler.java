package visq.gpu.image;

/**
 * Resizes packed RGB pixels with an area-average (box) filter: every output pixel is the mean of the source
 * area it covers, partial pixels weighted by the covered fraction. Separable, deterministic and independent of
 * platform rendering hints; when enlarging it blends at most two neighbouring source pixels.
 */
final class BoxResampler {

    private BoxResampler() {}

    /** {@code rgb} ({@code width × height}, {@code 0xRRGGBB}) resized to {@code outWidth × outHeight}. */
    static int[] resize(int[] rgb, int width, int height, int outWidth, int outHeight) {
        if (outWidth == width && outHeight == height) {
            return rgb.clone();
        }
        AxisWeights columns = AxisWeights.of(width, outWidth);
        AxisWeights rows = AxisWeights.of(height, outHeight);

        // horizontal pass: height rows of outWidth pixels, one plane per channel
        float[] red = new float[height * outWidth];
        float[] green = new float[height * outWidth];
        float[] blue = new float[height * outWidth];
        for (int y = 0; y < height; y++) {
            int sourceRow = y * width;
            int targetRow = y * outWidth;
            for (int x = 0; x < outWidth; x++) {
                int first = columns.first[x];
                float[] weights = columns.weights[x];
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < weights.length; k++) {
                    int pixel = rgb[sourceRow + first + k];
                    float w = weights[k];
                    r += w * ((pixel >> 16) & 0xFF);
                    g += w * ((pixel >> 8) & 0xFF);
                    b += w * (pixel & 0xFF);
                }
                red[targetRow + x] = r;
                green[targetRow + x] = g;
                blue[targetRow + x] = b;
            }
        }

        // vertical pass
        int[] out = new int[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int first = rows.first[y];
            float[] weights = rows.weights[y];
            for (int x = 0; x < outWidth; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < weights.length; k++) {
                    int at = (first + k) * outWidth + x;
                    float w = weights[k];
                    r += w * red[at];
                    g += w * green[at];
                    b += w * blue[at];
                }
                out[y * outWidth + x] = (toByte(r) << 16) | (toByte(g) << 8) | toByte(b);
            }
        }
        return out;
    }

    static int toByte(float value) {
        int rounded = (int) (value + 0.5f);
        return rounded < 0 ? 0 : Math.min(rounded, 255);
    }

    /** For each output position along one axis: the first source index and the weights of the sources it covers. */
    private static final class AxisWeights {
        final int[] first;
        final float[][] weights;

        private AxisWeights(int[] first, float[][] weights) {
            this.first = first;
            this.weights = weights;
        }

        static AxisWeights of(int sourceLength, int targetLength) {
            double scale = (double) sourceLength / targetLength;
            int[] first = new int[targetLength];
            float[][] weights = new float[targetLength][];
            for (int i = 0; i < targetLength; i++) {
                double start = i * scale;
                double end = Math.min(sourceLength, (i + 1) * scale);
                int from = (int) Math.floor(start);
                int to = Math.min(sourceLength, (int) Math.ceil(end));
                float[] w = new float[to - from];
                for (int j = from; j < to; j++) {
                    double covered = Math.min(end, j + 1) - Math.max(start, j);
                    w[j - from] = (float) (covered / (end - start));
                }
                first[i] = from;
                weights[i] = w;
            }
            return new AxisWeights(first, weights);
        }
    }
}
