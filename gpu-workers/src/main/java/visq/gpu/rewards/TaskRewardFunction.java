package visq.gpu.rewards;

import java.util.List;
import visq.gpu.tasks.QualityTask;

/**
 * The reward of one task's responses (method.md §2). A reward may depend on the whole batch (VisualQuality-R1's
 * fidelity ranks the images of a batch against each other), so a function is given every group of its task in a
 * training step at once; rewards that look at one response alone implement {@link PerResponseReward}.
 *
 * <p>A new task's reward is one implementation of this interface, registered in a {@link TaskRewardRegistry} (the
 * one training uses is built by {@code visq.actors.reward.RewardSettings#registry()}).
 */
public interface TaskRewardFunction {

    /** The task whose responses this function rewards. */
    QualityTask task();

    /**
     * The reward of every response: element [g][k] is that of response k of group g, in the order given.
     *
     * @throws IllegalArgumentException naming what cannot be rewarded (a missing label, a batch mixing datasets)
     */
    List<List<ResponseReward>> rewards(List<ResponseGroup> groups);
}
