package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;

/** A quality metric that compares a distorted image with its pristine reference, such as PSNR or SSIM. */
public interface FullReferenceMetric {

    /** The lower-case name the metric is selected by, e.g. {@code "psnr"}. */
    String name();

    /** Whether a larger score means the distorted image is closer to the reference (true for PSNR and SSIM). */
    boolean higherIsBetter();

    /**
     * The score of {@code distorted} against {@code reference}.
     *
     * @throws IllegalArgumentException if the two images differ in size or are too small for the metric
     */
    double score(BufferedImage reference, BufferedImage distorted);
}
