package visq.gpu.training;

import java.util.Optional;
import visq.gpu.model.EncodedWeights;

/**
 * Everything besides the policy weights that a trainer needs to continue a run exactly: the AdamW moments and step
 * counts, the supervised (cold-start) and GRPO learning-rate schedule positions, and the frozen reference policy.
 *
 * @param supervisedSteps    supervised steps taken: the position in the cold-start schedule
 * @param grpoOptimizerSteps GRPO optimiser steps taken: the position in the GRPO schedule
 */
public record TrainerState(AdamWState optimizer, int supervisedSteps, int grpoOptimizerSteps, boolean referenceFrozen,
        Optional<EncodedWeights> reference) {

    public TrainerState {
        if (supervisedSteps < 0 || grpoOptimizerSteps < 0) {
            throw new IllegalArgumentException("step counts cannot be negative: supervisedSteps " + supervisedSteps
                    + ", grpoOptimizerSteps " + grpoOptimizerSteps);
        }
    }
}
