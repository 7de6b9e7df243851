package visq.gpu.image;

import java.util.Arrays;

/**
 * An immutable RGB image prepared for a policy: 8-bit pixels in channel-major (CHW) order, and optionally
 * {@link ImageStatistics} of the source image at native resolution (empty when not computed).
 *
 * <p>This is the only image type that crosses from image handling into the model; it is small
 * (a few tens of kilobytes) so it can also be sent between cluster nodes.
 */
public final class ImageTensor {
    public static final int CHANNELS = 3;

    private final int height;
    private final int width;
    private final byte[] pixels;
    private final float[] statistics;

    private ImageTensor(int height, int width, byte[] pixels, float[] statistics) {
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.statistics = statistics;
    }

    /** Wraps a copy of {@code pixels}, which must hold {@code 3 * height * width} CHW bytes. */
    public static ImageTensor of(int height, int width, byte[] pixels) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image tensor needs positive dimensions, got " + height + "x" + width);
        }
        long expected = (long) CHANNELS * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    "image tensor " + height + "x" + width + " needs " + expected + " bytes, got " + pixels.length);
        }
        return new ImageTensor(height, width, pixels.clone(), new float[0]);
    }

    /** This image with {@code statistics} (a copy; every value finite) describing its source. */
    public ImageTensor withStatistics(float[] statistics) {
        for (int i = 0; i < statistics.length; i++) {
            if (!Float.isFinite(statistics[i])) {
                throw new IllegalArgumentException("image statistic " + i + " is not finite: " + statistics[i]);
            }
        }
        return new ImageTensor(height, width, pixels, statistics.clone());
    }

    /** This image with {@code more} (every value finite) appended after its statistics. */
    public ImageTensor withStatisticsAppended(float[] more) {
        float[] all = Arrays.copyOf(statistics, statistics.length + more.length);
        System.arraycopy(more, 0, all, statistics.length, more.length);
        return withStatistics(all);
    }

    /** A copy of the statistics of the source image; empty when none were computed. */
    public float[] statistics() {
        return statistics.clone();
    }

    /** How many statistics this image carries. */
    public int statisticsCount() {
        return statistics.length;
    }

    /** Statistic {@code i}. */
    public float statisticAt(int i) {
        return statistics[i];
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** A copy of the CHW pixel bytes (unsigned, 0..255). */
    public byte[] pixels() {
        return pixels.clone();
    }

    /** Pixel value in [0, 1] at channel {@code c}, row {@code y}, column {@code x}. */
    public float valueAt(int c, int y, int x) {
        return (pixels[(c * height + y) * width + x] & 0xFF) / 255f;
    }

    /** All pixels as floats in [0, 1], CHW order. */
    public float[] toFloats() {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageTensor that
                && height == that.height
                && width == that.width
                && Arrays.equals(pixels, that.pixels)
                && Arrays.equals(statistics, that.statistics);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * height + width) + Arrays.hashCode(pixels)) + Arrays.hashCode(statistics);
    }

    @Override
    public String toString() {
        return "ImageTensor[" + height + "x" + width + (statistics.length > 0 ? ", " + statistics.length
                + " statistics" : "") + "]";
    }
}
