package visq.gpu.training;

import java.util.List;
import java.util.Optional;
import visq.gpu.model.PolicyModel;

/**
 * What a learner asks of the trainer it owns: supervised and GRPO steps on {@link #policy()}, and the state a
 * checkpoint keeps. {@link PolicyTrainer} is the one implementation that trains; the seam lets the learner actor be
 * tested with a trainer that only records what it was given.
 */
public interface PolicyTraining extends AutoCloseable {

    /** The policy being trained; the trainer owns it and closes it. */
    PolicyModel policy();

    /** The frozen reference policy, when the method has one. */
    Optional<PolicyModel> reference();

    /** One supervised (cold-start) step over {@code examples}. */
    SupervisedStepResult supervisedStep(List<SupervisedExample> examples);

    /** One GRPO update over {@code samples} (not empty). */
    GrpoStepResult grpoStep(List<GrpoSample> samples);

    /** Arrays the trainer itself holds, besides the policy's and the reference's. */
    int liveArrayCount();

    /** The state a checkpoint needs to continue this run exactly. */
    TrainerState exportState();

    /** Continues from {@code state} (taken by {@link #exportState} after the policy weights were saved). */
    void restore(TrainerState state);

    /** Frees the policy, the reference and the trainer's own arrays. */
    @Override
    void close();
}
