package visq.actors.reward;

import java.util.List;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.ResponseReward;

/** A rollout group with the reward of each of its rollouts, in rollout order. */
public record ScoredGroup(RolloutGroup group, List<ResponseReward> rewards) {

    public ScoredGroup {
        rewards = List.copyOf(rewards);
        if (rewards.size() != group.rollouts().size()) {
            throw new IllegalArgumentException(
                    "group has " + group.rollouts().size() + " rollouts but " + rewards.size() + " rewards");
        }
    }
}
