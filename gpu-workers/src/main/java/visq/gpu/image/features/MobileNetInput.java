package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;
import visq.gpu.image.raster.IntRgbImages;

/**
 * The input the nsfwjs MobileNetV2 expects, prepared as nsfwjs 4.4.0 does ({@code NSFWJS.infer}): RGB values divided
 * by 255 (the Keras topology has no further rescaling layer), then, unless the image already has the model's size,
 * bilinear resizing with aligned corners to {@code size×size} (TF's {@code resizeBilinear(…, alignCorners = true)},
 * which ignores the aspect ratio). Values are float32 in channels-last order ({@code H×W×3}).
 *
 * <p>The arithmetic follows the TF.js CPU kernel (interpolation in double from float32 values, rounded once), so
 * the values agree with TF.js to the last bit or so. Pure; safe to share between threads.
 */
public final class MobileNetInput {

    public static final int CHANNELS = 3;

    private MobileNetInput() {}

    /** The image as nsfwjs feeds it to a model of input side {@code size}: H×W×3 float32 values in [0, 1]. */
    public static float[] prepare(BufferedImage image, int size) {
        BufferedImage rgbImage = IntRgbImages.toIntRgb(image);
        int width = rgbImage.getWidth();
        int height = rgbImage.getHeight();
        float[] scaled = scaled(IntRgbImages.pixels(rgbImage), width, height);
        if (width == size && height == size) {
            return scaled;
        }
        return resizeAlignedCorners(scaled, height, width, size, size);
    }

    /** Packed {@code 0xRRGGBB} pixels, row-major, as H×W×3 floats {@code value / 255}. */
    public static float[] scaled(int[] rgb, int width, int height) {
        if (rgb.length != width * height) {
            throw new IllegalArgumentException("expected " + width * height + " pixels, got " + rgb.length);
        }
        float[] out = new float[rgb.length * CHANNELS];
        for (int i = 0; i < rgb.length; i++) {
            out[CHANNELS * i] = ((rgb[i] >> 16) & 0xFF) / 255f;
            out[CHANNELS * i + 1] = ((rgb[i] >> 8) & 0xFF) / 255f;
            out[CHANNELS * i + 2] = (rgb[i] & 0xFF) / 255f;
        }
        return out;
    }

    /**
     * Bilinear resizing of an H×W×3 float image to {@code outHeight×outWidth} with aligned corners: output row
     * {@code r} samples source row {@code r·(H−1)/(outHeight−1)} (and likewise for columns), so the corner pixels map
     * onto each other.
     */
    public static float[] resizeAlignedCorners(float[] hwc, int height, int width, int outHeight, int outWidth) {
        if (height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + height + "x" + width + " to "
                    + outHeight + "x" + outWidth);
        }
        if (hwc.length != height * width * CHANNELS) {
            throw new IllegalArgumentException("expected " + height * width * CHANNELS + " values, got " + hwc.length);
        }
        double rowRatio = outHeight > 1 ? (double) (height - 1) / (outHeight - 1) : (double) height / outHeight;
        double colRatio = outWidth > 1 ? (double) (width - 1) / (outWidth - 1) : (double) width / outWidth;
        float[] out = new float[outHeight * outWidth * CHANNELS];
        int at = 0;
        for (int r = 0; r < outHeight; r++) {
            double sourceRow = rowRatio * r;
            int top = Math.max(0, (int) Math.floor(sourceRow));
            int bottom = Math.min(height - 1, (int) Math.ceil(sourceRow));
            double rowFraction = sourceRow - top;
            for (int c = 0; c < outWidth; c++) {
                double sourceCol = colRatio * c;
                int left = Math.max(0, (int) Math.floor(sourceCol));
                int right = Math.min(width - 1, (int) Math.ceil(sourceCol));
                double colFraction = sourceCol - left;
                for (int d = 0; d < CHANNELS; d++) {
                    double topLeft = hwc[(top * width + left) * CHANNELS + d];
                    double topRight = hwc[(top * width + right) * CHANNELS + d];
                    double bottomLeft = hwc[(bottom * width + left) * CHANNELS + d];
                    double bottomRight = hwc[(bottom * width + right) * CHANNELS + d];
                    double upper = topLeft + (topRight - topLeft) * colFraction;
                    double lower = bottomLeft + (bottomRight - bottomLeft) * colFraction;
                    out[at++] = (float) (upper + (lower - upper) * rowFraction);
                }
            }
        }
        return out;
    }

    /** Images of equal size (each H×W×3 floats) as one N×H×W×3 float32 batch owned by {@code manager}. */
    public static NDArray batch(NDManager manager, List<float[]> images, int height, int width) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to batch");
        }
        int each = height * width * CHANNELS;
        float[] all = new float[each * images.size()];
        for (int i = 0; i < images.size(); i++) {
            float[] image = images.get(i);
            if (image.length != each) {
                throw new IllegalArgumentException("image " + i + " has " + image.length + " values, expected " + each);
            }
            System.arraycopy(image, 0, all, i * each, each);
        }
        return manager.create(all, new Shape(images.size(), height, width, CHANNELS));
    }
}
