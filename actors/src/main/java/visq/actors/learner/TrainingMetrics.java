package visq.actors.learner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import visq.actors.reward.ScoredGroup;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.Advantages;

/**
 * What the learner records of training for the node's Prometheus endpoint: the last step's number, weight version,
 * reward mean, format rate, task reward mean, loss, KL, clip fraction and staleness ({@code visq_training_*} gauges,
 * NaN before the first step), and the learner's seconds per step ({@code visq_training_learner_step_seconds}).
 * Checkpoints: the step of the newest one written ({@code visq_checkpoint_last_step}, NaN before the first), failed
 * writes ({@code visq_checkpoint_failures_total}) and whether the latest attempt failed ({@code
 * visq_checkpoint_failing}, 1 until a write succeeds again): the alert for a full or unwritable checkpoint directory.
 * The run's phase as the coordinator publishes it ({@code visq_training_phase{phase}}: 1 for the current phase, 0 for
 * the others, all 0 before the coordinator's first word). Of the rollouts of each GRPO step: the mean and unbiased std
 * (n − 1) of their total rewards, kept per task from the last step that had the task ({@code
 * visq_training_reward_mean_by_task{task}}, {@code visq_training_reward_std_by_task{task}}, a task appearing once
 * trained), and how many versions each lagged ({@code visq_training_rollout_staleness}, a histogram with buckets 0.5
 * (on-policy: Micrometer takes no bucket at 0), 1, 2, 3, 5, 8). The DJL arrays alive under the learner's policy,
 * reference and trainer (optimiser state) managers ({@code visq_training_live_arrays{model}}), counted by the learner
 * on its own thread at start and after each step (the scrape thread never touches the models).
 */
public final class TrainingMetrics {

    private final AtomicReference<StepStats> last = new AtomicReference<>();
    private final Timer stepSeconds;
    private final AtomicLong lastCheckpointStep = new AtomicLong(-1);
    private final AtomicBoolean checkpointFailing = new AtomicBoolean();
    private final Counter checkpointFailures;
    private final AtomicReference<TrainingPhase> phase = new AtomicReference<>();
    private final MeterRegistry registry;
    private final Map<QualityTask, AtomicReference<RewardSpread>> taskRewards = new ConcurrentHashMap<>();
    private final DistributionSummary staleness;
    private final Map<String, AtomicLong> liveArrays = new ConcurrentHashMap<>();

    /** Mean and unbiased std of the total rewards of one task's rollouts in a step. */
    private record RewardSpread(double mean, double std) {}

    public TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
        gauge(registry, "visq.training.step", "last training step recorded", StepStats::step);
        gauge(registry, "visq.training.weight.version", "weight version after the last step", StepStats::weightVersion);
        gauge(registry, "visq.training.reward.mean", "mean reward of the last step's rollouts", StepStats::rewardMean);
        gauge(registry, "visq.training.format.rate", "share of the last step's rollouts in the answer format",
                StepStats::formatRate);
        gauge(registry, "visq.training.task.reward.mean", "mean task reward (without format) of the last step",
                StepStats::taskRewardMean);
        gauge(registry, "visq.training.loss", "loss of the last step", StepStats::loss);
        gauge(registry, "visq.training.kl", "mean KL to the reference policy in the last step", StepStats::kl);
        gauge(registry, "visq.training.clip.fraction", "share of clipped ratios in the last step",
                StepStats::clipFraction);
        gauge(registry, "visq.training.max.staleness", "versions the oldest rollout of the last step lagged",
                StepStats::maxStaleness);
        stepSeconds = Timer.builder("visq.training.learner.step")
                .description("time the learner took per training step").register(registry);
        Gauge.builder("visq.checkpoint.last.step", lastCheckpointStep, step -> step.get() < 0 ? Double.NaN : step.get())
                .description("step of the newest checkpoint written").register(registry);
        Gauge.builder("visq.checkpoint.failing", checkpointFailing, failing -> failing.get() ? 1 : 0)
                .description("1 while the latest checkpoint write failed, 0 once one succeeds").register(registry);
        checkpointFailures = Counter.builder("visq.checkpoint.failures")
                .description("checkpoint writes that failed").register(registry);
        staleness = DistributionSummary.builder("visq.training.rollout.staleness")
                .description("versions each trained rollout lagged behind the weights it updated")
                .serviceLevelObjectives(0.5, 1, 2, 3, 5, 8).register(registry);
        for (TrainingPhase each : TrainingPhase.values()) {
            Gauge.builder("visq.training.phase", phase, current -> current.get() == each ? 1 : 0)
                    .tag("phase", each.name().toLowerCase(Locale.ROOT))
                    .description("1 for the phase the training run is in, 0 for the others").register(registry);
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<StepStats> value) {
        Gauge.builder(name, last, reference -> {
            StepStats stats = reference.get();
            return stats == null ? Double.NaN : value.applyAsDouble(stats);
        }).description(description).register(registry);
    }

    /** Records the phase the coordinator entered. */
    public void phaseEntered(TrainingPhase entered) {
        phase.set(entered);
    }

    /**
     * Records the rollouts of a GRPO step that updated weight version {@code versionTrained}: each one's staleness,
     * and per task the mean and unbiased std of their total rewards (NaN std for a task with one rollout).
     */
    public void rolloutsTrained(List<ScoredGroup> groups, long versionTrained) {
        Map<QualityTask, List<Double>> rewardsByTask = new EnumMap<>(QualityTask.class);
        for (ScoredGroup group : groups) {
            long behind = versionTrained - group.group().weightVersion();
            List<Double> rewards = rewardsByTask.computeIfAbsent(group.group().prompt().task(), t -> new ArrayList<>());
            for (ResponseReward reward : group.rewards()) {
                staleness.record(behind);
                rewards.add(reward.total());
            }
        }
        rewardsByTask.forEach((task, rewards) -> {
            double[] values = rewards.stream().mapToDouble(Double::doubleValue).toArray();
            taskRewards(task).set(new RewardSpread(Advantages.mean(values),
                    values.length < 2 ? Double.NaN : Advantages.unbiasedStd(values)));
        });
    }

    private AtomicReference<RewardSpread> taskRewards(QualityTask task) {
        return taskRewards.computeIfAbsent(task, t -> {
            AtomicReference<RewardSpread> spread = new AtomicReference<>();
            Gauge.builder("visq.training.reward.mean.by.task", spread, held -> value(held, RewardSpread::mean))
                    .tag("task", t.id())
                    .description("mean total reward of the task's rollouts in the last step that had the task")
                    .register(registry);
            Gauge.builder("visq.training.reward.std.by.task", spread, held -> value(held, RewardSpread::std))
                    .tag("task", t.id())
                    .description("unbiased std of the total rewards of the task's rollouts in that step")
                    .register(registry);
            return spread;
        });
    }

    private static double value(AtomicReference<RewardSpread> held, ToDoubleFunction<RewardSpread> part) {
        RewardSpread spread = held.get();
        return spread == null ? Double.NaN : part.applyAsDouble(spread);
    }

    /** Records the DJL arrays alive under the learner's {@code model} ("policy", "reference" or "trainer"). */
    public void liveArrays(String model, int count) {
        liveArrays.computeIfAbsent(model, m -> {
            AtomicLong held = new AtomicLong(-1);
            Gauge.builder("visq.training.live.arrays", held, live -> live.get() < 0 ? Double.NaN : live.get())
                    .tag("model", m).description("DJL arrays alive under the learner's model").register(registry);
            return held;
        }).set(count);
    }

    /** Records a checkpoint written at {@code step}. */
    public void checkpointWritten(long step) {
        lastCheckpointStep.set(step);
        checkpointFailing.set(false);
    }

    /** Records a checkpoint write that failed. */
    public void checkpointFailed() {
        checkpointFailures.increment();
        checkpointFailing.set(true);
    }

    /** Records a finished step. */
    public void record(StepStats stats) {
        last.set(stats);
        if (Double.isFinite(stats.seconds()) && stats.seconds() >= 0) {
            stepSeconds.record(Duration.ofNanos((long) (stats.seconds() * 1e9)));
        }
    }
}
