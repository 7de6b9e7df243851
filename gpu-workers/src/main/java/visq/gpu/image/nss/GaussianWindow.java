package visq.gpu.image.nss;

/** Normalised square Gaussian windows as MATLAB's {@code fspecial('gaussian', size, sigma)} builds them. */
public final class GaussianWindow {

    private GaussianWindow() {}

    /** A {@code size} by {@code size} window, row-major, summing to one. */
    static double[] square(int size, double sigma) {
        double[] window = new double[size * size];
        double centre = (size - 1) / 2.0;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double dy = i - centre;
                double dx = j - centre;
                window[i * size + j] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                sum += window[i * size + j];
            }
        }
        for (int k = 0; k < window.length; k++) {
            window[k] /= sum;
        }
        return window;
    }

    /** A one-dimensional window of {@code size} taps summing to one; its outer product is {@link #square}. */
    public static double[] line(int size, double sigma) {
        double[] window = new double[size];
        double centre = (size - 1) / 2.0;
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double d = i - centre;
            window[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += window[i];
        }
        for (int i = 0; i < size; i++) {
            window[i] /= sum;
        }
        return window;
    }
}
