package visq.gpu.image.nss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.SharedData;

/**
 * The separable MSCN window against an independent reference, the direct 7 by 7 window sum in single precision,
 * taps row by row (the computation BRISQUE used before the window was separated, and the one the numpy golden script
 * does): equal to within float rounding on photographs at both BRISQUE scales and on tiny and one-pixel-wide planes.
 */
class SeparableWindowTest {

    /** The unit roundoff of float, 2^-24. */
    private static final double UNIT = Math.ulp(1f) / 2;
    /** Rounding allowance in units of {@link #UNIT} times the window sum of magnitudes (see LocalMoments). */
    private static final double ALLOWANCE = 80;

    @Test
    void separableSumsEqualTheDirectWindowSumOnPhotographs() throws Exception {
        for (LumaPlane plane : photographPlanes()) {
            assertFilterMatchesDirectSums(plane);
        }
    }

    @Test
    void separableSumsEqualTheDirectWindowSumOnTinyAndThinPlanes() {
        for (LumaPlane plane : tinyPlanes()) {
            assertFilterMatchesDirectSums(plane);
        }
    }

    @Test
    void mscnEqualsTheDirectComputationToWithinFloatRoundingWithTheSameSigns() throws Exception {
        List<LumaPlane> planes = new ArrayList<>(photographPlanes());
        planes.addAll(tinyPlanes());
        for (LumaPlane plane : planes) {
            float[] in = floats(plane);
            float[] means = DirectWindow.sums(in, plane.width(), plane.height());
            float[] meanSquares = DirectWindow.sums(squares(in), plane.width(), plane.height());
            double[] magnitudes = DirectWindow.magnitudeSums(in, plane.width(), plane.height());
            double[] squareMagnitudes = DirectWindow.magnitudeSums(squares(in), plane.width(), plane.height());
            double[] reference = DirectWindow.mscn(in, means, meanSquares);
            double[] separable = NaturalSceneStatistics.mscnZeroPaddedSingle(plane);
            for (int i = 0; i < in.length; i++) {
                // first-order propagation of the moments' rounding allowance through (I - μ) / (σ + 1)
                double dMean = ALLOWANCE * UNIT * magnitudes[i];
                double dMeanSquare = ALLOWANCE * UNIT * squareMagnitudes[i];
                double numerator = in[i] - means[i];
                double dVariance = dMeanSquare + (2 * Math.abs(means[i]) + dMean) * dMean
                        + 4 * UNIT * (meanSquares[i] + means[i] * means[i]);
                double dSigma = Math.sqrt(dVariance);
                double tolerance = dMean + 2 * UNIT * Math.abs(numerator) + Math.abs(numerator) * dSigma
                        + 4 * UNIT * Math.abs(reference[i]);
                String where = plane.width() + "x" + plane.height() + " pixel " + i;
                assertEquals(reference[i], separable[i], tolerance, where);
                assertEquals(Math.signum(reference[i]), Math.signum(separable[i]), 0, where + " sign");
            }
        }
    }

    @Test
    void uniformAndNearlyUniformWindowsKeepTheDirectSumsBitForBit() {
        int width = 24;
        int height = 14;
        for (float level : new float[] {255f, 128f, 90f, 37.25f}) {
            float[] values = new float[width * height];
            java.util.Arrays.fill(values, level);
            values[5 * width + 17] = Math.nextUp(level); // one sample a rounding step above the rest
            float[] squares = squares(values);
            LocalMoments moments = LocalMoments.zeroPaddedSingle(values, width, height);
            float[] means = DirectWindow.sums(values, width, height);
            float[] meanSquares = DirectWindow.sums(squares, width, height);
            // windows inside the plane (near the edges the zero padding makes a real difference, not a residue)
            for (int y = 3; y < height - 3; y++) {
                for (int x = 3; x < width - 3; x++) {
                    int i = y * width + x;
                    assertEquals(means[i], moments.mean(i), 0, "level " + level + " pixel " + i);
                    assertEquals(meanSquares[i], moments.meanSquare(i), 0, "level " + level + " pixel " + i);
                }
            }
        }
    }

    @Test
    void featuresOfPhotographsEqualTheDirectOnesUpToTheShapeGrid() throws Exception {
        for (LumaPlane plane : photographPlanes()) {
            double[] reference = BrisqueFeatures.features(plane, DirectWindow::mscn);
            double[] separable = BrisqueFeatures.features(plane);
            for (int i = 0; i < BrisqueFeatures.FEATURES; i++) {
                // the shapes (features 0, 2, 6, ... of each scale) are searched on a grid of step 0.001: rounding can
                // move a fit across a midpoint; the others come from sums over the whole plane (the AGGD means are
                // differences of two deviations of order 0.1, hence the absolute part)
                boolean shape = i % 18 == 0 || i % 18 % 4 == 2;
                double tolerance = shape ? 0.0031 : 1e-4 * Math.abs(reference[i]) + 1e-5;
                assertEquals(reference[i], separable[i], tolerance, plane.width() + "x" + plane.height()
                        + " feature " + i);
            }
        }
    }

    private static void assertFilterMatchesDirectSums(LumaPlane plane) {
        float[] in = floats(plane);
        for (float[] values : List.of(in, squares(in))) {
            float[] direct = DirectWindow.sums(values, plane.width(), plane.height());
            double[] magnitudes = DirectWindow.magnitudeSums(values, plane.width(), plane.height());
            float[] separable = LocalMoments.filter(values, plane.width(), plane.height());
            for (int i = 0; i < values.length; i++) {
                assertEquals(direct[i], separable[i], ALLOWANCE * UNIT * magnitudes[i],
                        plane.width() + "x" + plane.height() + " pixel " + i);
            }
        }
    }

    /** The luma of three CLIVE photographs (one with large flat areas) and its half-size plane: BRISQUE's scales. */
    private static List<LumaPlane> photographPlanes() throws Exception {
        List<LumaPlane> planes = new ArrayList<>();
        for (String name : List.of("100.png", "428.png", "1001.JPG")) {
            BufferedImage photo = ImageDecoder.decode(SharedData.file("clive/images/" + name), ImageLimits.defaults());
            LumaPlane luma = LumaPlane.ofRgb(photo);
            planes.add(luma);
            planes.add(luma.halved());
        }
        return planes;
    }

    /** Seeded random planes from one pixel to a little more than the window, one-pixel-wide and one-pixel-high. */
    private static List<LumaPlane> tinyPlanes() {
        Random random = new Random(20261130);
        List<LumaPlane> planes = new ArrayList<>();
        int[][] sizes = {{1, 1}, {1, 13}, {13, 1}, {2, 2}, {3, 7}, {7, 3}, {6, 6}, {7, 7}, {8, 9}, {16, 5}};
        for (int[] size : sizes) {
            double[] values = new double[size[0] * size[1]];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(256) + (random.nextBoolean() ? 0 : random.nextDouble());
            }
            planes.add(new LumaPlane(size[0], size[1], values));
        }
        return planes;
    }

    private static float[] floats(LumaPlane plane) {
        double[] values = plane.toArray();
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static float[] squares(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * values[i];
        }
        return out;
    }

    /** The reference: the 7 by 7 window summed directly, zero padding, single precision, taps row by row. */
    private static final class DirectWindow {
        private static final int SIZE = NaturalSceneStatistics.WINDOW;
        private static final int HALF = SIZE / 2;
        private static final double[] WINDOW = GaussianWindow.square(SIZE, NaturalSceneStatistics.WINDOW_SIGMA);

        static float[] sums(float[] values, int width, int height) {
            float[] out = new float[values.length];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float sum = 0f;
                    for (int i = 0; i < SIZE; i++) {
                        for (int j = 0; j < SIZE; j++) {
                            int row = y + i - HALF;
                            int column = x + j - HALF;
                            if (row >= 0 && row < height && column >= 0 && column < width) {
                                sum = sum + (float) WINDOW[i * SIZE + j] * values[row * width + column];
                            }
                        }
                    }
                    out[y * width + x] = sum;
                }
            }
            return out;
        }

        /** Σ |w · v| over each window in double: the scale of the rounding error of its sum. */
        static double[] magnitudeSums(float[] values, int width, int height) {
            double[] out = new double[values.length];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int i = 0; i < SIZE; i++) {
                        for (int j = 0; j < SIZE; j++) {
                            int row = y + i - HALF;
                            int column = x + j - HALF;
                            if (row >= 0 && row < height && column >= 0 && column < width) {
                                out[y * width + x] += Math.abs(WINDOW[i * SIZE + j] * values[row * width + column]);
                            }
                        }
                    }
                }
            }
            return out;
        }

        static double[] mscn(LumaPlane plane) {
            float[] in = floats(plane);
            return mscn(in, sums(in, plane.width(), plane.height()), sums(squares(in), plane.width(), plane.height()));
        }

        static double[] mscn(float[] in, float[] means, float[] meanSquares) {
            double[] out = new double[in.length];
            for (int i = 0; i < in.length; i++) {
                float sigma = (float) Math.sqrt(Math.abs(meanSquares[i] - means[i] * means[i]));
                out[i] = (in[i] - means[i]) / (sigma + 1f);
            }
            return out;
        }
    }
}
