package visq.gpu.model.qwen;

/**
 * How images are prepared for a Qwen2-VL / Qwen2.5-VL vision tower (preprocessor_config.json).
 *
 * @param minPixels the fewest pixels a resized image may have
 * @param maxPixels the most pixels a resized image may have
 * @param patchSize side of a patch (14)
 * @param temporalPatchSize frames per patch (2)
 * @param mergeSize side of the square of patches merged into one token (2); sides are multiples of
 *     {@code patchSize * mergeSize}
 * @param imageMean per-channel mean subtracted after rescaling to [0, 1]
 * @param imageStd per-channel standard deviation divided by after subtracting the mean
 */
public record QwenImageProcessorConfig(
        long minPixels,
        long maxPixels,
        int patchSize,
        int temporalPatchSize,
        int mergeSize,
        float[] imageMean,
        float[] imageStd) {

    public QwenImageProcessorConfig {
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** Sides of a resized image are multiples of this. */
    public int factor() {
        return patchSize * mergeSize;
    }

    @Override
    public float[] imageMean() {
        return imageMean.clone();
    }

    @Override
    public float[] imageStd() {
        return imageStd.clone();
    }
}
