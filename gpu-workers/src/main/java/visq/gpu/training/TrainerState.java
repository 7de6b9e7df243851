package visq.gpu.training;

import java.util.Optional;
import visq.gpu.model.EncodedWeights;

/**
 * Everything besides the policy weights that a trainer needs to continue a run exactly: the AdamW
 * moments and step counts, the GRPO learning-rate schedule position, and the frozen reference policy.
 */
public record TrainerState(AdamWState optimizer, int grpoOptimizerSteps, boolean referenceFrozen,
        Optional<EncodedWeights> reference) {}
