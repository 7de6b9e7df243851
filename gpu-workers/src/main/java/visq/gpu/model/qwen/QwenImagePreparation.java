package visq.gpu.model.qwen;

import java.awt.image.BufferedImage;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageTensor;

/**
 * Images for a Qwen policy: smart-resized (Pillow-exact bicubic) to multiples of 28 within the checkpoint's
 * {@code min_pixels}/{@code max_pixels}; normalisation and patching happen in the model. Equal for equal processor
 * configs.
 */
public record QwenImagePreparation(QwenImageProcessorConfig config) implements ImagePreparation {

    @Override
    public ImageTensor preprocess(BufferedImage image) {
        return new QwenImageProcessor(config).resize(image);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof QwenImagePreparation)) {
            return false;
        }
        QwenImageProcessorConfig that = ((QwenImagePreparation) other).config;
        return config.minPixels() == that.minPixels() && config.maxPixels() == that.maxPixels()
                && config.patchSize() == that.patchSize() && config.temporalPatchSize() == that.temporalPatchSize()
                && config.mergeSize() == that.mergeSize()
                && java.util.Arrays.equals(config.imageMean(), that.imageMean())
                && java.util.Arrays.equals(config.imageStd(), that.imageStd());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(config.minPixels()) * 31 + Long.hashCode(config.maxPixels());
    }
}
