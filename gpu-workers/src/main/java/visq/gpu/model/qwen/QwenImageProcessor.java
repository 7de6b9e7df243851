package visq.gpu.model.qwen;

import java.awt.image.BufferedImage;
import visq.gpu.image.BicubicResampler;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.raster.IntRgbImages;

/**
 * Prepares images for a Qwen2-VL / Qwen2.5-VL vision tower as transformers' {@code Qwen2VLImageProcessorPil} does
 * (transformers 5.18, Pillow 12):
 *
 * <ol>
 *   <li>{@link #smartResize}: the size closest to the image's with both sides multiples of {@code patch × merge}
 *       (28) and a pixel count within {@code [minPixels, maxPixels]};
 *   <li>{@link #resize}: the image resized to that size with Pillow's bicubic filter, bit for bit
 *       ({@link BicubicResampler});
 *   <li>{@link #patches}: rescaled by 1/255, normalised by the per-channel mean and standard deviation, the frame
 *       repeated {@code temporalPatchSize} times, and cut into flattened patches in the reference's order.
 * </ol>
 *
 * <p>The float arithmetic is the reference's (float64 rescale rounded to float32, then float32 normalisation), so
 * the pixel values agree bit for bit. One deliberate difference: an image with a side shorter than the factor is
 * refused, where transformers would enlarge it.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class QwenImageProcessor {

    /** The sides {@link #smartResize} chooses. */
    public record Size(int height, int width) {
        /** Pixels of an image of this size. */
        public long pixels() {
            return (long) height * width;
        }
    }

    /** Largest ratio of the longer to the shorter side the reference accepts. */
    public static final double MAX_ASPECT_RATIO = 200.0;

    private static final double RESCALE_FACTOR = 1.0 / 255.0;

    private final QwenImageProcessorConfig config;
    private final int factor;
    private final float[] mean;
    private final float[] std;

    public QwenImageProcessor(QwenImageProcessorConfig config) {
        if (config.patchSize() <= 0 || config.temporalPatchSize() <= 0 || config.mergeSize() <= 0) {
            throw new IllegalArgumentException("image processor needs positive patch_size, temporal_patch_size and "
                    + "merge_size, got " + config.patchSize() + ", " + config.temporalPatchSize() + ", "
                    + config.mergeSize());
        }
        if (config.minPixels() <= 0 || config.maxPixels() < config.minPixels()) {
            throw new IllegalArgumentException("image processor needs 0 < min_pixels <= max_pixels, got min_pixels="
                    + config.minPixels() + ", max_pixels=" + config.maxPixels());
        }
        float[] imageMean = config.imageMean();
        float[] imageStd = config.imageStd();
        if (imageMean.length != ImageTensor.CHANNELS || imageStd.length != ImageTensor.CHANNELS) {
            throw new IllegalArgumentException("image_mean and image_std need " + ImageTensor.CHANNELS
                    + " values each, got " + imageMean.length + " and " + imageStd.length);
        }
        for (int c = 0; c < ImageTensor.CHANNELS; c++) {
            if (!Float.isFinite(imageMean[c]) || !Float.isFinite(imageStd[c]) || imageStd[c] == 0f) {
                throw new IllegalArgumentException("image_mean[" + c + "]=" + imageMean[c] + " and image_std[" + c
                        + "]=" + imageStd[c] + " must be finite, the std non-zero");
            }
        }
        this.config = config;
        this.factor = config.factor();
        this.mean = imageMean;
        this.std = imageStd;
    }

    public QwenImageProcessorConfig config() {
        return config;
    }

    /**
     * The size an image of {@code height × width} is resized to, as the reference's {@code smart_resize}: each side
     * rounded to the nearest multiple of the factor (ties to even, as Python's {@code round}); when that exceeds
     * {@code maxPixels}, both sides scaled down by the same ratio and floored to multiples of the factor (at least
     * one factor); when it falls below {@code minPixels}, scaled up and ceiled.
     *
     * @throws IllegalArgumentException for a side shorter than the factor or an aspect ratio above 200
     */
    public Size smartResize(int height, int width) {
        if (height < factor || width < factor) {
            throw new IllegalArgumentException("image of " + height + "x" + width + " (height x width) is smaller than "
                    + factor + " pixels (patch_size x merge_size) on a side");
        }
        double aspect = (double) Math.max(height, width) / Math.min(height, width);
        if (aspect > MAX_ASPECT_RATIO) {
            throw new IllegalArgumentException("image of " + height + "x" + width
                    + " (height x width) has aspect ratio " + aspect + ", above the limit of " + MAX_ASPECT_RATIO);
        }
        long resizedHeight = (long) Math.rint((double) height / factor) * factor;
        long resizedWidth = (long) Math.rint((double) width / factor) * factor;
        long pixels = (long) height * width;
        if (resizedHeight * resizedWidth > config.maxPixels()) {
            double beta = Math.sqrt((double) pixels / config.maxPixels());
            resizedHeight = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            resizedWidth = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (resizedHeight * resizedWidth < config.minPixels()) {
            double beta = Math.sqrt((double) config.minPixels() / pixels);
            resizedHeight = (long) Math.ceil(height * beta / factor) * factor;
            resizedWidth = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new Size(Math.toIntExact(resizedHeight), Math.toIntExact(resizedWidth));
    }

    /** Merged image tokens (one {@code <|image_pad|>} each) an image of {@code height × width} becomes. */
    public int mergedTokens(int height, int width) {
        Size size = smartResize(height, width);
        return (size.height() / factor) * (size.width() / factor);
    }

    /**
     * {@code image} resized to its {@link #smartResize} size with Pillow's bicubic filter, as 8-bit RGB; the pixels
     * unchanged when the size already fits. Alpha is dropped and grey images become RGB.
     */
    public ImageTensor resize(BufferedImage image) {
        BufferedImage rgbImage = IntRgbImages.toIntRgb(image);
        int width = rgbImage.getWidth();
        int height = rgbImage.getHeight();
        Size size = smartResize(height, width);
        int[] rgb = IntRgbImages.pixels(rgbImage);
        int[] resized = BicubicResampler.resize(rgb, width, height, size.width(), size.height());
        int plane = size.height() * size.width();
        byte[] chw = new byte[ImageTensor.CHANNELS * plane];
        for (int i = 0; i < plane; i++) {
            int pixel = resized[i];
            chw[i] = (byte) (pixel >> 16);
            chw[plane + i] = (byte) (pixel >> 8);
            chw[2 * plane + i] = (byte) pixel;
        }
        return ImageTensor.of(size.height(), size.width(), chw);
    }

    /** {@link #patches} of {@link #resize}: an image straight to the vision tower's input. */
    public PatchedImage process(BufferedImage image) {
        return patches(resize(image));
    }

    /**
     * The normalised patches of a resized image, in the reference's order: the frame repeated along time, then
     * rows ordered by merge window (row-major) and by patch inside the window (row-major), each row holding
     * channel, frame, patch row and patch column, in that nesting.
     *
     * @throws IllegalArgumentException if a side of {@code image} is not a multiple of the factor
     */
    public PatchedImage patches(ImageTensor image) {
        int height = image.height();
        int width = image.width();
        if (height % factor != 0 || width % factor != 0) {
            throw new IllegalArgumentException("image tensor of " + height + "x" + width
                    + " (height x width) has a side that is not a multiple of " + factor
                    + " (patch_size x merge_size): resize it first");
        }
        int patch = config.patchSize();
        int merge = config.mergeSize();
        int frames = config.temporalPatchSize();
        int gridH = height / patch;
        int gridW = width / patch;
        float[] normalised = normalise(image.pixels());

        int patchArea = patch * patch;
        int rowLength = ImageTensor.CHANNELS * frames * patchArea;
        float[] out = new float[gridH * gridW * rowLength];
        int row = 0;
        for (int blockY = 0; blockY < gridH / merge; blockY++) {
            for (int blockX = 0; blockX < gridW / merge; blockX++) {
                for (int inY = 0; inY < merge; inY++) {
                    for (int inX = 0; inX < merge; inX++) {
                        int top = (blockY * merge + inY) * patch;
                        int left = (blockX * merge + inX) * patch;
                        copyPatch(normalised, height, width, top, left, out, row * rowLength);
                        row++;
                    }
                }
            }
        }
        return new PatchedImage(out, 1, gridH, gridW);
    }

    /** CHW bytes rescaled to [0, 1] in float64 and rounded to float32, then normalised in float32. */
    private float[] normalise(byte[] chw) {
        int plane = chw.length / ImageTensor.CHANNELS;
        float[] out = new float[chw.length];
        for (int c = 0; c < ImageTensor.CHANNELS; c++) {
            float channelMean = mean[c];
            float channelStd = std[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                float rescaled = (float) ((chw[i] & 0xFF) * RESCALE_FACTOR);
                out[i] = (rescaled - channelMean) / channelStd;
            }
        }
        return out;
    }

    /** One patch row: for each channel, the patch at (top, left) repeated for every frame. */
    private void copyPatch(float[] chw, int height, int width, int top, int left, float[] out, int at) {
        int patch = config.patchSize();
        int frames = config.temporalPatchSize();
        int plane = height * width;
        int position = at;
        for (int c = 0; c < ImageTensor.CHANNELS; c++) {
            int frameStart = position;
            for (int y = 0; y < patch; y++) {
                System.arraycopy(chw, c * plane + (top + y) * width + left, out, position, patch);
                position += patch;
            }
            int frameLength = position - frameStart;
            for (int t = 1; t < frames; t++) {
                System.arraycopy(out, frameStart, out, position, frameLength);
                position += frameLength;
            }
        }
    }
}
