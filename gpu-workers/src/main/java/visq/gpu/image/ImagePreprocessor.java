package visq.gpu.image;

import java.awt.image.BufferedImage;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Turns a decoded image into the policy's input: an {@link ImageTensor} of height S and width 2S holding two
 * views side by side.
 *
 * <ul>
 *   <li>left S×S: the whole image resized to S×S with an area-average filter (global content and composition;
 *       the aspect ratio is not kept);
 *   <li>right S×S: the centre S×S crop at native resolution, so noise, blur and compression artefacts stay
 *       visible. An image shorter than S on a side is first enlarged (same filter, aspect kept) until its
 *       shorter side is S.
 * </ul>
 *
 * <p>With {@link Settings#statistics()} on, the tensor also carries the {@link ImageStatistics} of the decoded
 * image (computed before any resizing).
 *
 * <p>Pure and deterministic (our own box filter, no AWT scaling); safe to share between threads.
 */
public final class ImagePreprocessor implements ImagePreparation {

    /**
     * How the views are made.
     *
     * @param viewSize S, the side of each square view in pixels
     * @param statistics whether to compute {@link ImageStatistics} (models that use them need them on)
     */
    public record Settings(int viewSize, boolean statistics) {
        public static final int DEFAULT_VIEW_SIZE = 32;

        public Settings {
            if (viewSize <= 0) {
                throw new IllegalArgumentException("view size must be positive, got " + viewSize);
            }
        }

        /** Views of {@code viewSize} without statistics. */
        public Settings(int viewSize) {
            this(viewSize, false);
        }

        /** Views of 32×32, a tensor of 32×64, without statistics. */
        public static Settings defaults() {
            return new Settings(DEFAULT_VIEW_SIZE, false);
        }
    }

    private final int viewSize;
    private final boolean statistics;

    public ImagePreprocessor(Settings settings) {
        this.viewSize = settings.viewSize();
        this.statistics = settings.statistics();
    }

    /** S, the side of each view; tensors are S high and 2S wide. */
    public int viewSize() {
        return viewSize;
    }

    /** The two views of {@code image} as one S×2S tensor. */
    @Override
    public ImageTensor preprocess(BufferedImage image) {
        BufferedImage rgbImage = IntRgbImages.toIntRgb(image);
        int width = rgbImage.getWidth();
        int height = rgbImage.getHeight();
        int[] rgb = IntRgbImages.pixels(rgbImage);

        int[] whole = BoxResampler.resize(rgb, width, height, viewSize, viewSize);
        int[] centre = centreCrop(rgb, width, height);

        int tensorWidth = 2 * viewSize;
        int plane = viewSize * tensorWidth;
        byte[] chw = new byte[ImageTensor.CHANNELS * plane];
        for (int y = 0; y < viewSize; y++) {
            for (int x = 0; x < viewSize; x++) {
                int at = y * tensorWidth + x;
                putPixel(chw, plane, at, whole[y * viewSize + x]);
                putPixel(chw, plane, at + viewSize, centre[y * viewSize + x]);
            }
        }
        ImageTensor views = ImageTensor.of(viewSize, tensorWidth, chw);
        return statistics ? views.withStatistics(ImageStatistics.of(rgbImage)) : views;
    }

    private int[] centreCrop(int[] rgb, int width, int height) {
        int shorter = Math.min(width, height);
        if (shorter < viewSize) {
            double scale = (double) viewSize / shorter;
            int enlargedWidth = Math.max(viewSize, (int) Math.round(width * scale));
            int enlargedHeight = Math.max(viewSize, (int) Math.round(height * scale));
            rgb = BoxResampler.resize(rgb, width, height, enlargedWidth, enlargedHeight);
            width = enlargedWidth;
            height = enlargedHeight;
        }
        int left = (width - viewSize) / 2;
        int top = (height - viewSize) / 2;
        int[] crop = new int[viewSize * viewSize];
        for (int y = 0; y < viewSize; y++) {
            System.arraycopy(rgb, (top + y) * width + left, crop, y * viewSize, viewSize);
        }
        return crop;
    }

    private static void putPixel(byte[] chw, int plane, int at, int pixel) {
        chw[at] = (byte) (pixel >> 16);
        chw[plane + at] = (byte) (pixel >> 8);
        chw[2 * plane + at] = (byte) pixel;
    }

    /** Equal when they prepare images the same way (data prepared by one is cached for the other). */
    @Override
    public boolean equals(Object other) {
        return other instanceof ImagePreprocessor
                && ((ImagePreprocessor) other).viewSize == viewSize
                && ((ImagePreprocessor) other).statistics == statistics;
    }

    @Override
    public int hashCode() {
        return 31 * viewSize + (statistics ? 1 : 0);
    }
}
