package visq.actors.rollout;

import java.util.List;

/** The G responses sampled for one prompt, with the weight version that produced them. */
public record RolloutGroup(PromptRef prompt, long weightVersion, List<Rollout> rollouts) {

    public RolloutGroup {
        rollouts = List.copyOf(rollouts);
    }
}
