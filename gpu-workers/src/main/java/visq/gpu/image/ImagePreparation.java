package visq.gpu.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * How a policy wants its images: a decoded image in, the {@link ImageTensor} the model reads out. Each model family
 * has its own (the compact model's two small views, Qwen's smart resize to multiples of 28). Implementations are
 * pure, safe to share between threads, and equal when they prepare images the same way: prepared data are cached
 * per preparation (one corpus per JVM for all nodes that prepare alike).
 */
public interface ImagePreparation {

    /** The tensor the model reads for {@code image}.
     *
     * @throws IllegalArgumentException when the image cannot be prepared (too small, extreme aspect ratio), naming why
     */
    ImageTensor preprocess(BufferedImage image);

    /**
     * This preparation, keeping what is expensive to compute (pretrained features) under {@code directory} between
     * runs; the same preparation when nothing is worth keeping. Results are the same either way.
     */
    default ImagePreparation storingUnder(Path directory) {
        return this;
    }
}
