package visq.deploy.eval;

import java.awt.image.BufferedImage;
import visq.gpu.eval.baselines.NoReferenceMetric;
import visq.gpu.image.ImagePreparation;
import visq.gpu.model.CompactQualityPrior;

/**
 * The evaluated policy's frozen quality prior alone ({@code visq.model.quality-prior = ridge}), as a baseline row:
 * its value for each image, prepared as the policy prepares it. Set beside the policy's own answers, it shows how
 * much of the score the policy reads from the prior and how much it adds or loses.
 */
final class QualityPriorMetric implements NoReferenceMetric {
    static final String NAME = "quality-prior";

    private final CompactQualityPrior prior;
    private final ImagePreparation preparation;

    QualityPriorMetric(CompactQualityPrior prior, ImagePreparation preparation) {
        this.prior = prior;
        this.preparation = preparation;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double score(BufferedImage image) {
        return prior.valueOf(preparation.preprocess(image));
    }
}
