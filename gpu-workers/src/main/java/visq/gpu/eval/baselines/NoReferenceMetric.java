package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;

/** A quality metric that judges one image on its own, such as NIQE or BRISQUE. Implementations are immutable. */
public interface NoReferenceMetric {

    /** The lower-case name the metric is selected by, e.g. {@code "niqe"}. */
    String name();

    /** Whether a larger score means a better image (false for NIQE and BRISQUE, which measure distortion). */
    boolean higherIsBetter();

    /**
     * The score of {@code image}.
     *
     * @throws IllegalArgumentException if the image is too small or too uniform for the metric
     */
    double score(BufferedImage image);
}
