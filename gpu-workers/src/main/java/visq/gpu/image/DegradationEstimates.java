package visq.gpu.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Sixteen classic single-number estimates of how strongly an image is darkened, noisy, blurred or block-compressed,
 * at native resolution, as extra model inputs beside the BRISQUE statistics (which normalise brightness and contrast
 * away, so they cannot tell how dark an image is) and the pretrained features. Computed on the luminance
 * {@code Y = 0.299 R + 0.587 G + 0.114 B} (0–255) of a crop of at most {@value #MAX_SIDE} pixels a side near the
 * centre, whose corner lies on the 8-pixel grid of the whole image (where JPEG puts its blocks):
 * <ol>
 *   <li>0–7: the 1st, 5th, 25th, 50th, 75th, 95th, 99th and 99.9th percentiles of {@code Y / 255} (linear
 *       interpolation between order statistics); darkening by {@code 255·gain·(v/255)^γ} moves them all down, the
 *       top ones by the gain;</li>
 *   <li>8, 9: mean and standard deviation of {@code Y / 255};</li>
 *   <li>10: {@code ln(1 + σ)} with σ Immerkær's noise estimate, {@code sqrt(π/2) / 6 · mean |Y ⊛ L|} over the
 *       interior, {@code L = [[1,−2,1],[−2,4,−2],[1,−2,1]]} (J. Immerkær, "Fast noise variance estimation", 1996);</li>
 *   <li>11: {@code ln(1 + median |Y ⊛ L| / 6)}, the same robust to edges;</li>
 *   <li>12: {@code ln(1 + mean |∂x Y| + mean |∂y Y|)} with neighbour differences: sharpness;</li>
 *   <li>13: {@code ln((1 + var(Y ⊛ L)) / (1 + var Y))}: high-frequency share of the energy, which blur lowers;</li>
 *   <li>14, 15: blockiness across columns and rows, {@code ln((1 + b) / (1 + o))} with {@code b} the mean absolute
 *       difference between neighbours across 8-pixel block boundaries and {@code o} the same inside blocks (0
 *       when the crop is too narrow to have both).</li>
 * </ol>
 * {@link #of} standardises them as {@code (raw - CENTRE[i]) / SCALE[i]} (as {@link ImageStatistics} does), so that
 * every input is of order one around zero: the raw values differ in offset and spread by two orders of magnitude
 * (the high-frequency share sits near −3 with spread 1.4, a percentile moves by 0.1). (Raw in run x1, standardised
 * in run A, the compact policy learned severities worse with them than without: README "Model quality".) CENTRE and
 * SCALE are the mean and standard deviation over the 615
 * images of the CLIVE training split of the embedded default, rounded, from
 * {@code tools/degradation-estimates/centre_scale.py}. An image smaller than {@value #MIN_SIDE} pixels a side has no
 * estimates: {@link #of} refuses it naming its size. Pure; safe to share.
 */
public final class DegradationEstimates {
    /** Values per image. */
    public static final int COUNT = 16;
    /** Side of the largest crop the estimates read (bounds the cost for huge images). */
    public static final int MAX_SIDE = 512;
    /** Smallest side with estimates: one interior pixel for the Laplacian (below {@link ImageLimits#DEFAULT_MIN_SIDE}). */
    public static final int MIN_SIDE = 3;

    private static final double[] PERCENTILES = {1, 5, 25, 50, 75, 95, 99, 99.9};
    private static final double[] CENTRE = {
        0.0717, 0.116, 0.234, 0.371, 0.557, 0.791, 0.893, 0.946, 0.404, 0.220, 0.874, 0.419, 2.32, -2.95, 0.113, 0.103,
    };
    private static final double[] SCALE = {
        0.0757, 0.0967, 0.138, 0.168, 0.203, 0.182, 0.136, 0.0992, 0.138, 0.0630, 0.446, 0.306, 0.570, 1.41, 0.125,
        0.113,
    };
    private static final int BLOCK = 8;

    private DegradationEstimates() {}

    /** The {@value #COUNT} standardised estimates of {@code image}. */
    public static float[] of(BufferedImage image) {
        double[] raw = raw(image);
        float[] out = new float[COUNT];
        for (int i = 0; i < COUNT; i++) {
            out[i] = (float) ((raw[i] - CENTRE[i]) / SCALE[i]);
        }
        return out;
    }

    /** The {@value #COUNT} estimates of {@code image} before standardisation, as the list above defines them. */
    static double[] raw(BufferedImage image) {
        if (image.getWidth() < MIN_SIDE || image.getHeight() < MIN_SIDE) {
            throw new IllegalArgumentException("degradation estimates need an image of at least " + MIN_SIDE + "×"
                    + MIN_SIDE + " pixels, got " + image.getWidth() + "×" + image.getHeight());
        }
        int width = Math.min(MAX_SIDE, image.getWidth());
        int height = Math.min(MAX_SIDE, image.getHeight());
        int left = (image.getWidth() - width) / 2 / BLOCK * BLOCK;
        int top = (image.getHeight() - height) / 2 / BLOCK * BLOCK;
        double[] luminance = luminance(IntRgbImages.toIntRgb(image), left, top, width, height);
        double[] out = new double[COUNT];
        double[] sorted = luminance.clone();
        Arrays.sort(sorted);
        for (int p = 0; p < PERCENTILES.length; p++) {
            out[p] = percentile(sorted, PERCENTILES[p]) / 255;
        }
        double mean = mean(luminance);
        out[8] = mean / 255;
        out[9] = Math.sqrt(variance(luminance, mean)) / 255;
        double[] laplacian = laplacian(luminance, width, height);
        double meanAbs = 0;
        double[] absolute = new double[laplacian.length];
        for (int i = 0; i < laplacian.length; i++) {
            absolute[i] = Math.abs(laplacian[i]);
            meanAbs += absolute[i];
        }
        meanAbs /= laplacian.length;
        out[10] = Math.log1p(Math.sqrt(Math.PI / 2) / 6 * meanAbs);
        Arrays.sort(absolute);
        out[11] = Math.log1p(percentile(absolute, 50) / 6);
        double[] alongRows = differences(luminance, width, height, 1, 0);
        double[] alongColumns = differences(luminance, width, height, 0, 1);
        out[12] = Math.log1p(alongRows[2] + alongColumns[2]);
        out[13] = Math.log((1 + variance(laplacian, mean(laplacian))) / (1 + variance(luminance, mean)));
        out[14] = blockiness(alongRows);
        out[15] = blockiness(alongColumns);
        return out;
    }

    private static double[] luminance(BufferedImage rgb, int left, int top, int width, int height) {
        int[] pixels = IntRgbImages.pixels(rgb);
        int stride = rgb.getWidth();
        double[] y = new double[width * height];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int pixel = pixels[(top + row) * stride + left + col];
                y[row * width + col] = 0.299 * ((pixel >> 16) & 0xFF) + 0.587 * ((pixel >> 8) & 0xFF)
                        + 0.114 * (pixel & 0xFF);
            }
        }
        return y;
    }

    /** Percentile {@code p} (0–100) of ascending {@code sorted}, interpolating linearly between order statistics. */
    static double percentile(double[] sorted, double p) {
        double at = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double variance(double[] values, double mean) {
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / values.length;
    }

    /** {@code Y ⊛ L} over the interior ({@code (width−2)×(height−2)} values). */
    private static double[] laplacian(double[] y, int width, int height) {
        double[] out = new double[(width - 2) * (height - 2)];
        int at = 0;
        for (int r = 1; r < height - 1; r++) {
            for (int c = 1; c < width - 1; c++) {
                int i = r * width + c;
                out[at++] = 4 * y[i] - 2 * (y[i - 1] + y[i + 1] + y[i - width] + y[i + width])
                        + y[i - width - 1] + y[i - width + 1] + y[i + width - 1] + y[i + width + 1];
            }
        }
        return out;
    }

    /**
     * {@code ln((1 + across) / (1 + inside))} of one direction's {@link #differences}: mean neighbour difference
     * across block boundaries over inside.
     */
    private static double blockiness(double[] d) {
        return Double.isNaN(d[0]) || Double.isNaN(d[1]) ? 0 : Math.log((1 + d[0]) / (1 + d[1]));
    }

    /**
     * Mean absolute neighbour differences along (dx, dy): {across block boundaries, inside blocks, all}; NaN for a
     * kind of pair the crop does not have.
     */
    private static double[] differences(double[] y, int width, int height, int dx, int dy) {
        double across = 0;
        double inside = 0;
        long acrossCount = 0;
        long insideCount = 0;
        for (int r = 0; r + dy < height; r++) {
            for (int c = 0; c + dx < width; c++) {
                double d = Math.abs(y[(r + dy) * width + c + dx] - y[r * width + c]);
                int next = dx == 1 ? c + 1 : r + 1;
                if (next % BLOCK == 0) {
                    across += d;
                    acrossCount++;
                } else {
                    inside += d;
                    insideCount++;
                }
            }
        }
        return new double[] {across / acrossCount, inside / insideCount,
            (across + inside) / (acrossCount + insideCount)};
    }
}
