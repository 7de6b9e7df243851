package visq.actors.learner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import visq.gpu.training.PolicyTraining;
import visq.protocol.artifacts.TaskCursor;

/**
 * What one incarnation of the learner keeps of each trained step: its metrics, the arrays alive, its line of the
 * training history, and the checkpoints: one every {@code checkpointEvery} steps, one retried after every following
 * step once a write failed (until one is written), one on request, and the cold-start policy kept once. Owned by one
 * incarnation, on its thread; not thread-safe.
 */
final class StepRecorder {
    private final LearnerSettings settings;
    private final PolicyTraining trainer;
    private final CheckpointWriter checkpoints;
    private final TrainingHistory history;
    private final TrainingMetrics metrics;
    private final Incarnations incarnations;
    private final Logger log;
    // a checkpoint was due and could not be written: every following step tries again
    private boolean checkpointOverdue;

    StepRecorder(LearnerSettings settings, PolicyTraining trainer, TrainingHistory history, TrainingMetrics metrics,
            Incarnations incarnations, Logger log) {
        this.settings = settings;
        this.trainer = trainer;
        this.checkpoints = new CheckpointWriter(settings.checkpointDirectory());
        this.history = history;
        this.metrics = metrics;
        this.incarnations = incarnations;
        this.log = log;
    }

    /**
     * Records the step, then writes the checkpoint when one is due (or overdue after a failed write): a process
     * killed at any point leaves a history that reaches at least to its newest checkpoint (a resumed run drops what
     * lies beyond). Returns why the run stops when a due checkpoint could not be written with
     * {@code checkpoint-failure = STOP}; empty otherwise.
     */
    Optional<String> record(StepStats stats, List<String> sampleIds, long version, List<PlanCursor> cursors) {
        incarnations.trained();
        metrics.record(stats);
        recordLiveArrays();
        try {
            history.append(stats, sampleIds);
        } catch (IOException e) {
            log.warn("step {} could not be added to the training history: {}", stats.step(), e.getMessage());
        }
        boolean due = settings.checkpointEvery() > 0
                && (stats.step() % settings.checkpointEvery() == 0 || checkpointOverdue);
        if (due && writeCheckpoint(stats.step(), version, cursors).isEmpty()
                && settings.checkpointFailure() == LearnerSettings.CheckpointFailure.STOP) {
            return Optional.of("checkpoint at step " + stats.step() + " could not be written to "
                    + settings.checkpointDirectory() + "; stopping (visq.learner.checkpoint-failure = STOP)");
        }
        return Optional.empty();
    }

    /** Counts the arrays alive under the policy, the reference and the trainer, on this (their) thread. */
    void recordLiveArrays() {
        metrics.liveArrays("policy", trainer.policy().liveArrayCount());
        trainer.reference().ifPresent(reference -> metrics.liveArrays("reference", reference.liveArrayCount()));
        metrics.liveArrays("trainer", trainer.liveArrayCount());
    }

    /**
     * Before the first GRPO update of a run that had a cold start, keeps the cold-start policy in
     * {@code <checkpoint-dir>/cold-start} so that evaluations can compare before and after GRPO.
     */
    void saveColdStartCheckpointOnce(long coldStartSteps, long version) {
        Path folder = settings.checkpointDirectory().resolve(Learner.COLD_START_FOLDER);
        if (coldStartSteps <= 0 || Files.exists(folder.resolve(CheckpointWriter.LATEST_METADATA))) {
            return;
        }
        try {
            new CheckpointWriter(folder).write(new Checkpoint(coldStartSteps, trainer.policy().exportWeights(version),
                    trainer.exportState(), List.of()));
        } catch (IOException e) {
            log.warn("cold-start checkpoint could not be written: {}", e.getMessage());
        }
    }

    /** Writes a checkpoint of the trainer now; returns the weights file written, or "" when it failed (logged). */
    String writeCheckpoint(long step, long version, List<PlanCursor> cursors) {
        try {
            List<TaskCursor> taskCursors = cursors.stream()
                    .map(c -> TaskCursor.newBuilder().setTask(c.task().id()).setDataset(c.dataset())
                            .setEpoch(c.epoch()).setCursor(c.cursor()).build())
                    .toList();
            String written = checkpoints.write(new Checkpoint(step, trainer.policy().exportWeights(version),
                    trainer.exportState(), taskCursors)).toString();
            if (checkpointOverdue) {
                log.info("checkpoint at step {} written to {} after earlier writes failed", step,
                        settings.checkpointDirectory());
            }
            checkpointOverdue = false;
            incarnations.checkpointed();
            metrics.checkpointWritten(step);
            return written;
        } catch (IOException | RuntimeException e) {
            checkpointOverdue = true;
            metrics.checkpointFailed();
            log.error("checkpoint at step {} could not be written to {} ({}: {}); the weights stay in"
                    + " memory, the older checkpoints are untouched, and the write is {}", step,
                    settings.checkpointDirectory(), e.getClass().getSimpleName(), e.getMessage(),
                    settings.checkpointFailure() == LearnerSettings.CheckpointFailure.STOP
                            ? "not retried: the run stops (checkpoint-failure = STOP)"
                            : "retried after the next step", e);
            return "";
        }
    }
}
