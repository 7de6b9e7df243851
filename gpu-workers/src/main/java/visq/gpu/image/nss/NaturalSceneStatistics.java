package visq.gpu.image.nss;

/**
 * The statistics NIQE and BRISQUE share: mean-subtracted contrast-normalised (MSCN) coefficients, products of
 * neighbouring coefficients, and moment-matching fits of generalised Gaussian (GGD) and asymmetric generalised
 * Gaussian (AGGD) distributions, the shape searched on the grid 0.2, 0.201, ..., 10 as the reference code does.
 */
public final class NaturalSceneStatistics {

    /** The MSCN window: 7 by 7 Gaussian with sigma 7/6. */
    static final int WINDOW = 7;
    static final double WINDOW_SIGMA = 7.0 / 6.0;

    /** The four neighbour orientations (row shift, column shift): horizontal, vertical, two diagonals. */
    public static final int[][] SHIFTS = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};

    private static final int GRID_SIZE = 9801;
    private static final double[] SHAPES = new double[GRID_SIZE];
    /** Γ(1/a) Γ(3/a) / Γ(2/a)²: the GGD's ratio of variance to squared mean absolute value. */
    private static final double[] GGD_RATIO = new double[GRID_SIZE];
    /** The reciprocal, which the AGGD fit compares with its normalised moment ratio. */
    private static final double[] AGGD_RATIO = new double[GRID_SIZE];

    static {
        for (int i = 0; i < GRID_SIZE; i++) {
            double a = 0.2 + i * 0.001;
            SHAPES[i] = a;
            double log = LogGamma.of(1 / a) + LogGamma.of(3 / a) - 2 * LogGamma.of(2 / a);
            GGD_RATIO[i] = Math.exp(log);
            AGGD_RATIO[i] = Math.exp(-log);
        }
    }

    private NaturalSceneStatistics() {}

    /** A zero-mean GGD fit: the shape and the standard deviation. */
    record GgdFit(double shape, double sigma) {}

    /** An AGGD fit: the shape and the standard deviations of the negative and of the positive side. */
    public record AggdFit(double shape, double leftSigma, double rightSigma) {

        /** The scale parameter of the left side, {@code leftSigma · sqrt(Γ(1/a) / Γ(3/a))}. */
        public double leftScale() {
            return leftSigma * scaleFactor();
        }

        /** The scale parameter of the right side. */
        public double rightScale() {
            return rightSigma * scaleFactor();
        }

        private double scaleFactor() {
            return Math.exp(0.5 * (LogGamma.of(1 / shape) - LogGamma.of(3 / shape)));
        }
    }

    /** Fits a zero-mean GGD to {@code x} by matching E[x²] / E[|x|]². */
    static GgdFit fitGgd(double[] x) {
        double squares = 0;
        double absolutes = 0;
        for (double v : x) {
            squares += v * v;
            absolutes += Math.abs(v);
        }
        double variance = squares / x.length;
        double meanAbsolute = absolutes / x.length;
        double ratio = variance / (meanAbsolute * meanAbsolute);
        return new GgdFit(SHAPES[nearest(GGD_RATIO, ratio)], Math.sqrt(variance));
    }

    /**
     * Fits an AGGD to {@code x}: side deviations from the strictly negative and strictly positive values (exact
     * zeros count in the overall moments only), the shape from the moment ratio corrected for asymmetry.
     * A side without values gives a NaN deviation, as the reference code does.
     */
    public static AggdFit fitAggd(double[] x) {
        double leftSquares = 0;
        double rightSquares = 0;
        long left = 0;
        long right = 0;
        double absolutes = 0;
        for (double v : x) {
            // selects instead of branches (the signs are close to random); adding 0 leaves each sum as it was
            double square = v * v;
            boolean negative = v < 0;
            boolean positive = v > 0;
            leftSquares += negative ? square : 0;
            rightSquares += positive ? square : 0;
            left += negative ? 1 : 0;
            right += positive ? 1 : 0;
            absolutes += Math.abs(v);
        }
        double leftSigma = Math.sqrt(leftSquares / left);
        double rightSigma = Math.sqrt(rightSquares / right);
        double meanAbsolute = absolutes / x.length;
        double meanSquare = (leftSquares + rightSquares) / x.length;
        double gammaHat = leftSigma / rightSigma;
        double rHat = meanAbsolute * meanAbsolute / meanSquare;
        double rHatNorm = rHat * (gammaHat * gammaHat * gammaHat + 1) * (gammaHat + 1)
                / ((gammaHat * gammaHat + 1) * (gammaHat * gammaHat + 1));
        return new AggdFit(SHAPES[nearest(AGGD_RATIO, rHatNorm)], leftSigma, rightSigma);
    }

    /** Γ(2/a) / Γ(1/a), the factor of the AGGD mean in terms of the side scales. */
    public static double meanFactor(double shape) {
        return Math.exp(LogGamma.of(2 / shape) - LogGamma.of(1 / shape));
    }

    /** Γ(2/a) / sqrt(Γ(1/a) Γ(3/a)), the factor of the AGGD mean in terms of the side deviations. */
    static double meanFactorOfDeviations(double shape) {
        return Math.exp(LogGamma.of(2 / shape) - 0.5 * (LogGamma.of(1 / shape) + LogGamma.of(3 / shape)));
    }

    /** Index of the first table entry closest to {@code target}; 0 when {@code target} is NaN. */
    private static int nearest(double[] table, double target) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < table.length; i++) {
            double distance = Math.abs(table[i] - target);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = i;
            }
        }
        return best;
    }

    /**
     * Products of each value with its neighbour {@code (dy, dx)} away, wrapping around the edges of the
     * {@code width} by {@code height} array (a circular shift, as the reference code does).
     */
    public static double[] neighbourProducts(double[] values, int width, int height, int dy, int dx) {
        double[] out = new double[values.length];
        int shift = Math.floorMod(-dx, width); // the neighbour of column x is column (x + shift) mod width
        for (int y = 0; y < height; y++) {
            int row = y * width;
            int sourceRow = Math.floorMod(y - dy, height) * width;
            for (int x = 0; x < width; x++) {
                int sx = x + shift;
                if (sx >= width) {
                    sx -= width;
                }
                out[row + x] = values[row + x] * values[sourceRow + sx];
            }
        }
        return out;
    }

    /**
     * MSCN coefficients {@code (I - μ) / (σ + 1)} with local Gaussian mean and deviation, edges replicated, in
     * double precision (NIQE). The numerator is formed as the weighted sum of differences {@code I(c) - I(k)},
     * which equals {@code I - μ} but is exactly zero wherever the window is uniform, as exact arithmetic gives.
     */
    public static double[] mscnReplicated(LumaPlane plane) {
        int width = plane.width();
        int height = plane.height();
        double[] in = plane.toArray();
        double[] window = GaussianWindow.square(WINDOW, WINDOW_SIGMA);
        int half = WINDOW / 2;
        double[] out = new double[in.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double centre = in[y * width + x];
                double mean = 0;
                double meanSquare = 0;
                double difference = 0;
                for (int i = 0; i < WINDOW; i++) {
                    int row = clamp(y + i - half, height) * width;
                    for (int j = 0; j < WINDOW; j++) {
                        double w = window[i * WINDOW + j];
                        double v = in[row + clamp(x + j - half, width)];
                        mean += w * v;
                        meanSquare += w * v * v;
                        difference += w * (centre - v);
                    }
                }
                double sigma = Math.sqrt(Math.abs(meanSquare - mean * mean));
                out[y * width + x] = difference / (sigma + 1);
            }
        }
        return out;
    }

    /**
     * MSCN coefficients with zero padding in single-precision arithmetic (BRISQUE). The toolbox's BRISQUE runs in
     * 32-bit floats, where uniform regions leave rounding residues instead of exact zeros and those residues move
     * the AGGD fits; the local moments are accumulated in {@code float} ({@link LocalMoments}: a separable window,
     * the pixels whose numerator's sign rounding decides summed directly, taps row by row) to reproduce that
     * behaviour.
     */
    static double[] mscnZeroPaddedSingle(LumaPlane plane) {
        int width = plane.width();
        int height = plane.height();
        double[] source = plane.toArray();
        float[] in = new float[source.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) source[i];
        }
        LocalMoments moments = LocalMoments.zeroPaddedSingle(in, width, height);
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            float mean = moments.mean(i);
            float meanSquared = mean * mean;
            float sigma = (float) Math.sqrt(Math.abs(moments.meanSquare(i) - meanSquared));
            float numerator = in[i] - mean;
            float denominator = sigma + 1f;
            out[i] = numerator / denominator;
        }
        return out;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : (i >= n ? n - 1 : i);
    }
}
