package visq.actors.learner;

import visq.actors.protocol.ClusterMessage;

/**
 * What one training step measured. Reward fields are NaN for supervised cold-start steps; {@code maxStaleness}
 * is how many versions the oldest trained rollout lagged behind the weights it updated (0 when on-policy).
 */
public record StepStats(long step, TrainingPhase phase, long weightVersion, double rewardMean, double formatRate,
        double taskRewardMean, double loss, double kl, double clipFraction, double scoreStd, int droppedGroups,
        double seconds, long maxStaleness) implements ClusterMessage {}
