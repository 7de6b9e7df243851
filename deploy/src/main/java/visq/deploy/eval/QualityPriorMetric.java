package visq.deploy.eval;

import java.awt.image.BufferedImage;
import visq.gpu.eval.baselines.NoReferenceMetric;
import visq.gpu.image.ImagePreparation;
import visq.gpu.model.CompactVisionLanguagePolicy;

/**
 * The evaluated policy's frozen quality prior alone ({@code visq.model.quality-prior = ridge}), as a baseline row:
 * its value for each image, prepared as the policy prepares it. Set beside the policy's own answers, it shows how
 * much of the score the policy reads from the prior and how much it adds or loses.
 */
final class QualityPriorMetric implements NoReferenceMetric {
    static final String NAME = "quality-prior";

    private final CompactVisionLanguagePolicy policy;
    private final ImagePreparation preparation;

    QualityPriorMetric(CompactVisionLanguagePolicy policy, ImagePreparation preparation) {
        if (!policy.config().hasQualityPrior()) {
            throw new IllegalArgumentException("model " + policy.modelId() + " has no quality prior");
        }
        this.policy = policy;
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
        return policy.qualityPriorOf(preparation.preprocess(image)).orElseThrow();
    }
}
