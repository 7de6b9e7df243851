package visq.deploy.eval;

import java.awt.image.BufferedImage;
import visq.gpu.image.DegradationLabel;

/** A method that names an image's degradation without the policy's answer; evaluated beside it on labelled images. */
interface DegradationBaseline {

    /** The name the summary reports it under. */
    String name();

    /** The degradation it reads in {@code image}. */
    DegradationLabel labelOf(BufferedImage image);
}
