package visq.actors.learner;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * What the learner records of training for the node's Prometheus endpoint: the last step's number, weight version,
 * reward mean, format rate, task reward mean, loss, KL, clip fraction and staleness ({@code visq_training_*} gauges,
 * NaN before the first step), and the learner's seconds per step ({@code visq_training_learner_step_seconds}).
 */
public final class TrainingMetrics {

    private final AtomicReference<StepStats> last = new AtomicReference<>();
    private final Timer stepSeconds;

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
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<StepStats> value) {
        Gauge.builder(name, last, reference -> {
            StepStats stats = reference.get();
            return stats == null ? Double.NaN : value.applyAsDouble(stats);
        }).description(description).register(registry);
    }

    /** Records a finished step. */
    public void record(StepStats stats) {
        last.set(stats);
        if (Double.isFinite(stats.seconds()) && stats.seconds() >= 0) {
            stepSeconds.record(Duration.ofNanos((long) (stats.seconds() * 1e9)));
        }
    }
}
