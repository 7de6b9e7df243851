package visq.gpu.image;

/**
 * Separable Gaussian blur on packed RGB pixels: a normalised kernel of radius ⌈3σ⌉, edges extended by
 * repeating the border pixel.
 */
final class GaussianBlur {

    private GaussianBlur() {}

    /** {@code rgb} ({@code width × height}) blurred with standard deviation {@code sigma} pixels; a new array. */
    static int[] apply(int[] rgb, int width, int height, double sigma) {
        float[] kernel = kernel(sigma);
        int radius = kernel.length / 2;
        int size = width * height;
        float[][] planes = new float[3][size];
        for (int i = 0; i < size; i++) {
            planes[0][i] = (rgb[i] >> 16) & 0xFF;
            planes[1][i] = (rgb[i] >> 8) & 0xFF;
            planes[2][i] = rgb[i] & 0xFF;
        }
        float[] buffer = new float[size];
        int[] out = new int[size];
        for (int c = 0; c < 3; c++) {
            float[] plane = planes[c];
            for (int y = 0; y < height; y++) {
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sx = Math.min(width - 1, Math.max(0, x + k));
                        sum += kernel[k + radius] * plane[row + sx];
                    }
                    buffer[row + x] = sum;
                }
            }
            int shift = 16 - 8 * c;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sy = Math.min(height - 1, Math.max(0, y + k));
                        sum += kernel[k + radius] * buffer[sy * width + x];
                    }
                    out[y * width + x] |= BoxResampler.toByte(sum) << shift;
                }
            }
        }
        return out;
    }

    /** The normalised 1-D kernel of {@code sigma}, length {@code 2⌈3σ⌉ + 1}. */
    static float[] kernel(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        int radius = (int) Math.ceil(3 * sigma);
        double[] weights = new double[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            weights[k + radius] = StrictMath.exp(-(k * k) / (2 * sigma * sigma));
            total += weights[k + radius];
        }
        float[] kernel = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            kernel[i] = (float) (weights[i] / total);
        }
        return kernel;
    }
}
