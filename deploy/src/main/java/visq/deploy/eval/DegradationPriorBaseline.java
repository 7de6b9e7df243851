package visq.deploy.eval;

import java.awt.image.BufferedImage;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.ImagePreparation;
import visq.gpu.model.CompactDegradationPrior;

/**
 * The evaluated policy's frozen degradation prior alone ({@code visq.model.degradation-prior = ridge}): the label
 * whose read-out is largest for each image, prepared as the policy prepares it. Beside the policy's own answers, it
 * shows how much of the degradation answer the policy reads from the prior and how much it adds or loses.
 */
final class DegradationPriorBaseline implements DegradationBaseline {
    static final String NAME = "degradation-prior";

    private final CompactDegradationPrior prior;
    private final ImagePreparation preparation;

    DegradationPriorBaseline(CompactDegradationPrior prior, ImagePreparation preparation) {
        this.prior = prior;
        this.preparation = preparation;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DegradationLabel labelOf(BufferedImage image) {
        return prior.labelOf(preparation.preprocess(image));
    }
}
