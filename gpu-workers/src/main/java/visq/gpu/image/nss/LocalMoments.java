package visq.gpu.image.nss;

/**
 * The local mean and local mean square of a plane under the MSCN window (7 by 7 Gaussian, sigma 7/6), samples outside
 * the plane taken as zero, in single precision, as BRISQUE's MSCN coefficients need them.
 *
 * <p>The window is separable, so both are filtered as two one-dimensional passes, rows then columns: 14 taps a pixel
 * instead of the 49 of the direct window sum, and equal to it to within float rounding. One case is not left to
 * rounding: where the MSCN numerator (the sample minus its local mean) is so small that rounding decides its sign
 * or whether it is zero at all (uniform and nearly uniform windows, where exact arithmetic gives zero or almost), the
 * value depends on the order of summation, yet BRISQUE's AGGD fits count positive, negative and zero coefficients
 * apart. There both moments are the direct window sum, taps row by row, so those pixels keep exactly the residues the
 * 2-D sum gives them (the toolbox's float32 BRISQUE behaviour, which the golden and calibration values pin).
 */
final class LocalMoments {

    private static final int SIZE = NaturalSceneStatistics.WINDOW;
    private static final int HALF = SIZE / 2;
    /** One-dimensional taps; their outer product is {@link #SQUARE}. */
    private static final float[] LINE = toFloat(GaussianWindow.line(SIZE, NaturalSceneStatistics.WINDOW_SIGMA));
    /** The square window, row-major, for the direct sums. */
    private static final float[] SQUARE = toFloat(GaussianWindow.square(SIZE, NaturalSceneStatistics.WINDOW_SIGMA));
    /**
     * Below this many units of float rounding (2^-24) times the window sum of magnitudes, a numerator's sign is
     * rounding's choice: the direct sum of 49 rounded products may be off by up to about 50 of them, the two passes
     * by about 16, the float taps of the square window differ from products of the line's by about 3.
     */
    private static final float AMBIGUOUS = 80 * Math.ulp(1f) / 2;

    private final float[] means;
    private final float[] meanSquares;

    private LocalMoments(float[] means, float[] meanSquares) {
        this.means = means;
        this.meanSquares = meanSquares;
    }

    /** The moments of {@code values}, a {@code width} by {@code height} plane, row-major. */
    static LocalMoments zeroPaddedSingle(float[] values, int width, int height) {
        float[] squares = new float[values.length];
        float[] magnitudes = new float[values.length];
        boolean signed = false;
        for (int i = 0; i < values.length; i++) {
            squares[i] = values[i] * values[i];
            magnitudes[i] = Math.abs(values[i]);
            signed |= values[i] < 0;
        }
        float[] means = filter(values, width, height);
        float[] meanSquares = filter(squares, width, height);
        float[] meanMagnitudes = signed ? filter(magnitudes, width, height) : means;
        DirectSums direct = new DirectSums(values, squares, width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                if (Math.abs(values[at] - means[at]) <= AMBIGUOUS * meanMagnitudes[at]) {
                    direct.sum(x, y);
                    means[at] = direct.mean;
                    meanSquares[at] = direct.meanSquare;
                }
            }
        }
        return new LocalMoments(means, meanSquares);
    }

    /** The local mean at index {@code i} (row-major). */
    float mean(int i) {
        return means[i];
    }

    /** The local mean square at index {@code i} (row-major). */
    float meanSquare(int i) {
        return meanSquares[i];
    }

    /**
     * The separable filter: each row's taps in order, then each column's taps of the row sums in order. Both passes
     * run tap by tap over whole rows (each output still adds its taps in order from zero), which the JIT vectorises.
     */
    static float[] filter(float[] values, int width, int height) {
        float[] rows = new float[values.length];
        for (int y = 0; y < height; y++) {
            int start = y * width;
            for (int j = 0; j < SIZE; j++) {
                float w = LINE[j];
                int offset = j - HALF; // output x reads input x + offset, where that lies inside the row
                int first = Math.max(0, -offset);
                int end = Math.min(width, width - offset);
                for (int x = first; x < end; x++) {
                    rows[start + x] = rows[start + x] + w * values[start + x + offset];
                }
            }
        }
        float[] out = new float[values.length];
        for (int y = 0; y < height; y++) {
            int start = y * width;
            for (int i = Math.max(0, HALF - y); i < Math.min(SIZE, height + HALF - y); i++) {
                float w = LINE[i];
                int from = (y + i - HALF) * width;
                for (int x = 0; x < width; x++) {
                    out[start + x] = out[start + x] + w * rows[from + x];
                }
            }
        }
        return out;
    }

    /**
     * The direct window sums of both moments at one pixel, taps row by row in float as the 2-D window sums them. A
     * uniform window's sums depend only on its value and on how the plane clips it, so the last uniform window's
     * are kept and reused (flat regions are where most such pixels lie). One per plane; not thread-safe.
     */
    private static final class DirectSums {
        private final float[] values;
        private final float[] squares;
        private final int width;
        private final int height;
        private float mean;
        private float meanSquare;
        private int uniformBits;
        private int uniformClip = -1;

        DirectSums(float[] values, float[] squares, int width, int height) {
            this.values = values;
            this.squares = squares;
            this.width = width;
            this.height = height;
        }

        /** Sets {@link #mean} and {@link #meanSquare} to the direct sums at ({@code x}, {@code y}). */
        void sum(int x, int y) {
            int rowFirst = Math.max(0, HALF - y);
            int rowEnd = Math.min(SIZE, height + HALF - y);
            int columnFirst = Math.max(0, HALF - x);
            int columnEnd = Math.min(SIZE, width + HALF - x);
            float centre = values[y * width + x];
            boolean uniform = isUniform(centre, x, y, rowFirst, rowEnd, columnFirst, columnEnd);
            int clip = ((rowFirst * 8 + rowEnd) * 8 + columnFirst) * 8 + columnEnd;
            if (uniform && clip == uniformClip && Float.floatToRawIntBits(centre) == uniformBits) {
                return; // the same sums as the last uniform window's
            }
            float sum = 0f;
            float sumOfSquares = 0f;
            for (int i = rowFirst; i < rowEnd; i++) {
                int row = (y + i - HALF) * width + x - HALF;
                for (int j = columnFirst; j < columnEnd; j++) {
                    float w = SQUARE[i * SIZE + j];
                    sum = sum + w * values[row + j];
                    sumOfSquares = sumOfSquares + w * squares[row + j];
                }
            }
            mean = sum;
            meanSquare = sumOfSquares;
            uniformClip = uniform ? clip : -1;
            uniformBits = Float.floatToRawIntBits(centre);
        }

        private boolean isUniform(float centre, int x, int y, int rowFirst, int rowEnd, int columnFirst,
                int columnEnd) {
            for (int i = rowFirst; i < rowEnd; i++) {
                int row = (y + i - HALF) * width + x - HALF;
                for (int j = columnFirst; j < columnEnd; j++) {
                    if (values[row + j] != centre) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
