package visq.actors.coordinator;

import visq.actors.cluster.ClusterMessage;

/** What one training step measured. Reward fields are NaN for supervised cold-start steps. */
public record StepStats(long step, TrainingPhase phase, long weightVersion, double rewardMean, double formatRate,
        double taskRewardMean, double loss, double kl, double clipFraction, double scoreStd, int droppedGroups,
        double seconds) implements ClusterMessage {}
