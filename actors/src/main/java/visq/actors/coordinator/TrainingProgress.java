package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import visq.actors.learner.StepStats;
import visq.actors.learner.TrainingPhase;
import visq.actors.protocol.ClusterMessage;

/**
 * Everything the coordinator knows about a run's progress, as one immutable value: the phase, the
 * step counts, the newest weight version and the recent step statistics. Changed only through
 * {@link #updated}.
 */
public record TrainingProgress(TrainingPhase phase, long step, long coldStartSteps, long grpoSteps,
        long weightVersion, int rolloutWorkers, List<StepStats> recent, String failure) implements ClusterMessage {

    static final int RECENT_STEPS_KEPT = 200;

    public TrainingProgress {
        recent = List.copyOf(recent);
    }

    public static TrainingProgress start(long coldStartSteps, long grpoSteps) {
        return new TrainingProgress(TrainingPhase.WAITING_FOR_WORKERS, 0, coldStartSteps, grpoSteps, 0, 0, List.of(),
                "");
    }

    /** Something that changes progress; each event knows how it changes it. */
    public sealed interface Event {
        TrainingProgress applyTo(TrainingProgress progress);
    }

    public record WorkersCounted(int workers) implements Event {
        @Override
        public TrainingProgress applyTo(TrainingProgress p) {
            return new TrainingProgress(p.phase, p.step, p.coldStartSteps, p.grpoSteps, p.weightVersion, workers,
                    p.recent, p.failure);
        }
    }

    public record PhaseEntered(TrainingPhase phase) implements Event {
        @Override
        public TrainingProgress applyTo(TrainingProgress p) {
            return new TrainingProgress(phase, p.step, p.coldStartSteps, p.grpoSteps, p.weightVersion,
                    p.rolloutWorkers, p.recent, p.failure);
        }
    }

    public record StepCompleted(StepStats stats) implements Event {
        @Override
        public TrainingProgress applyTo(TrainingProgress p) {
            List<StepStats> kept = new ArrayList<>(p.recent);
            kept.add(stats);
            if (kept.size() > RECENT_STEPS_KEPT) {
                kept.remove(0);
            }
            return new TrainingProgress(p.phase, stats.step(), p.coldStartSteps, p.grpoSteps, stats.weightVersion(),
                    p.rolloutWorkers, kept, p.failure);
        }
    }

    /**
     * The run continues after {@code step} from a checkpoint (at its start, or after the learner restarted): the
     * statistics of later steps are dropped, those steps are trained again.
     */
    public record Resumed(long step, long weightVersion) implements Event {
        @Override
        public TrainingProgress applyTo(TrainingProgress p) {
            List<StepStats> kept = p.recent.stream().filter(stats -> stats.step() <= step).toList();
            return new TrainingProgress(p.phase, step, p.coldStartSteps, p.grpoSteps, weightVersion, p.rolloutWorkers,
                    kept, p.failure);
        }
    }

    public record RunFailed(String reason) implements Event {
        @Override
        public TrainingProgress applyTo(TrainingProgress p) {
            return new TrainingProgress(TrainingPhase.FAILED, p.step, p.coldStartSteps, p.grpoSteps, p.weightVersion,
                    p.rolloutWorkers, p.recent, reason);
        }
    }

    public TrainingProgress updated(Event event) {
        return event.applyTo(this);
    }

    public long totalSteps() {
        return coldStartSteps + grpoSteps;
    }

    /** Seconds left at the mean pace of the recent steps; empty before the first step. */
    public OptionalDouble etaSeconds() {
        OptionalDouble pace = recent.stream().mapToDouble(StepStats::seconds).average();
        return pace.isPresent() ? OptionalDouble.of(pace.getAsDouble() * (totalSteps() - step)) : pace;
    }

    /** The newest reinforcement-learning step, whose reward fields are defined. */
    public java.util.Optional<StepStats> latestGrpoStep() {
        for (int i = recent.size() - 1; i >= 0; i--) {
            if (recent.get(i).phase() == TrainingPhase.GRPO) {
                return java.util.Optional.of(recent.get(i));
            }
        }
        return java.util.Optional.empty();
    }
}
