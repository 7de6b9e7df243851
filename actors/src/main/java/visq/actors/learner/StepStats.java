package visq.actors.learner;

import visq.actors.protocol.ClusterMessage;
import visq.gpu.training.GrpoStepResult;

/**
 * What one training step measured. Reward fields are NaN for supervised cold-start steps; {@code maxStaleness}
 * is how many versions the oldest trained rollout lagged behind the weights it updated (0 when on-policy). Built
 * with {@link #coldStart} or {@link #grpo}.
 */
public record StepStats(long step, TrainingPhase phase, long weightVersion, double rewardMean, double formatRate,
        double taskRewardMean, double loss, double kl, double clipFraction, double scoreStd, int droppedGroups,
        double seconds, long maxStaleness) implements ClusterMessage {

    /** A supervised cold-start step: only its loss; no rewards, KL or clipping (NaN), no group dropped, on-policy. */
    public static StepStats coldStart(long step, long weightVersion, double loss, double seconds) {
        return new StepStats(step, TrainingPhase.COLD_START, weightVersion, Double.NaN, Double.NaN, Double.NaN, loss,
                Double.NaN, Double.NaN, Double.NaN, 0, seconds, 0);
    }

    /** A GRPO step: the reward statistics of its {@code batch} and what its {@code update} measured. */
    public static StepStats grpo(long step, long weightVersion, GrpoBatch batch, GrpoStepResult update,
            double seconds, long maxStaleness) {
        return new StepStats(step, TrainingPhase.GRPO, weightVersion, batch.rewardMean(), batch.formatRate(),
                batch.taskRewardMean(), update.loss(), update.kl(), update.clipFraction(), batch.scoreStd(),
                batch.droppedGroups(), seconds, maxStaleness);
    }

    /** These statistics with the step's duration {@code stepSeconds} (as the coordinator measures it). */
    public StepStats withSeconds(double stepSeconds) {
        return new StepStats(step, phase, weightVersion, rewardMean, formatRate, taskRewardMean, loss, kl,
                clipFraction, scoreStd, droppedGroups, stepSeconds, maxStaleness);
    }
}
