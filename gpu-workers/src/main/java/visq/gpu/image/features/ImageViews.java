package visq.gpu.image.features;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.image.raster.IntRgbImages;

/**
 * The six views of an image that pooled features are computed on, each {@code size×size×3} float32 in [0, 1] as
 * {@link MobileNetInput} prepares it: the whole image (resized, aspect ratio not kept), then five crops at native
 * resolution (top-left, top-right, bottom-left, bottom-right, centre) of side {@code min(size, height, width)},
 * enlarged to {@code size} only when the image is smaller than that. The whole view sees composition and global
 * colour; the crops keep noise, blur and compression artefacts at their native scale.
 */
public final class ImageViews {

    /** How many views {@link #of} returns. */
    public static final int COUNT = 6;

    private ImageViews() {}

    /** The whole-image view and the five crops, in that order. */
    public static List<float[]> of(BufferedImage image, int size) {
        BufferedImage rgbImage = IntRgbImages.toIntRgb(image);
        int width = rgbImage.getWidth();
        int height = rgbImage.getHeight();
        float[] scaled = MobileNetInput.scaled(IntRgbImages.pixels(rgbImage), width, height);
        List<float[]> views = new ArrayList<>(COUNT);
        views.add(width == size && height == size
                ? scaled.clone()
                : MobileNetInput.resizeAlignedCorners(scaled, height, width, size, size));
        int side = Math.min(size, Math.min(width, height));
        int[][] corners = {
            {0, 0}, {0, width - side}, {height - side, 0}, {height - side, width - side},
            {(height - side) / 2, (width - side) / 2}};
        for (int[] corner : corners) {
            float[] crop = crop(scaled, width, corner[0], corner[1], side);
            views.add(side == size ? crop : MobileNetInput.resizeAlignedCorners(crop, side, side, size, size));
        }
        return views;
    }

    private static float[] crop(float[] hwc, int width, int top, int left, int side) {
        int channels = MobileNetInput.CHANNELS;
        float[] out = new float[side * side * channels];
        for (int y = 0; y < side; y++) {
            System.arraycopy(hwc, ((top + y) * width + left) * channels, out, y * side * channels, side * channels);
        }
        return out;
    }
}
