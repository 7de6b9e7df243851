package visq.actors.learner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * What the learner records of training for the node's Prometheus endpoint: the last step's number, weight version,
 * reward mean, format rate, task reward mean, loss, KL, clip fraction and staleness ({@code visq_training_*} gauges,
 * NaN before the first step), and the learner's seconds per step ({@code visq_training_learner_step_seconds}).
 * Checkpoints: the step of the newest one written ({@code visq_checkpoint_last_step}, NaN before the first), failed
 * writes ({@code visq_checkpoint_failures_total}) and whether the latest attempt failed ({@code
 * visq_checkpoint_failing}, 1 until a write succeeds again): the alert for a full or unwritable checkpoint directory.
 * The run's phase as the coordinator publishes it ({@code visq_training_phase{phase}}: 1 for the current phase, 0 for
 * the others, all 0 before the coordinator's first word).
 */
public final class TrainingMetrics {

    private final AtomicReference<StepStats> last = new AtomicReference<>();
    private final Timer stepSeconds;
    private final AtomicLong lastCheckpointStep = new AtomicLong(-1);
    private final AtomicBoolean checkpointFailing = new AtomicBoolean();
    private final Counter checkpointFailures;
    private final AtomicReference<TrainingPhase> phase = new AtomicReference<>();

    public TrainingMetrics(MeterRegistry registry) {
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
