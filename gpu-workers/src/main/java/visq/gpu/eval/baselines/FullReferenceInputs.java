package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;

/** Checks shared by the full-reference metrics. */
final class FullReferenceInputs {

    private FullReferenceInputs() {}

    /** Refuses a pair whose sizes differ, naming both sizes. */
    static void requireSameSize(BufferedImage reference, BufferedImage distorted) {
        if (reference.getWidth() != distorted.getWidth() || reference.getHeight() != distorted.getHeight()) {
            throw new IllegalArgumentException("reference is " + reference.getWidth() + "x" + reference.getHeight()
                    + " but distorted is " + distorted.getWidth() + "x" + distorted.getHeight());
        }
    }
}
