package visq.gpu.image;

/**
 * Bounds on what {@link ImageDecoder} accepts, so that hostile or broken input cannot exhaust memory.
 *
 * @param maxEncodedBytes the most encoded bytes accepted
 * @param maxPixels the most pixels (width × height) the header may declare
 * @param minSide the smallest width or height accepted
 */
public record ImageLimits(long maxEncodedBytes, long maxPixels, int minSide) {

    /** 16 MiB of encoded bytes. */
    public static final long DEFAULT_MAX_ENCODED_BYTES = 16L * 1024 * 1024;
    /** 40 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** 8 pixels on the shorter side. */
    public static final int DEFAULT_MIN_SIDE = 8;

    public ImageLimits {
        if (maxEncodedBytes <= 0 || maxPixels <= 0 || minSide <= 0) {
            throw new IllegalArgumentException("image limits must be positive, got maxEncodedBytes="
                    + maxEncodedBytes + ", maxPixels=" + maxPixels + ", minSide=" + minSide);
        }
    }

    /** 16 MiB, 40 megapixels, sides of at least 8 pixels. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_ENCODED_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIDE);
    }
}
