package visq.actors.learner;

import akka.actor.typed.ActorRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import visq.actors.weights.WeightPublisher;
import visq.gpu.training.PolicyTraining;
import visq.gpu.tasks.QualityTask;

/**
 * Sets a new incarnation of the learner up where the run continues, and says where that is: a fresh run starts from
 * the initial weights with an empty history; {@code resume}, and a restart once this run has a checkpoint, take the
 * newest intact one ({@link CheckpointRecovery}; a damaged newer one is logged as an error naming its file and set
 * aside); a restart with no checkpoint starts over from the run's initial weights. The weights it starts from are
 * published, except for a fresh run's. Used once, in the incarnation's constructor, on its thread.
 */
final class IncarnationStart {
    private final LearnerSettings settings;
    private final PolicyTraining trainer;
    private final ActorRef<WeightPublisher.Command> publisher;
    private final TrainingHistory history;
    private final Incarnations incarnations;
    private final Logger log;

    IncarnationStart(LearnerSettings settings, PolicyTraining trainer, ActorRef<WeightPublisher.Command> publisher,
            TrainingHistory history, Incarnations incarnations, Logger log) {
        this.settings = settings;
        this.trainer = trainer;
        this.publisher = publisher;
        this.history = history;
        this.incarnations = incarnations;
        this.log = log;
    }

    /**
     * Moves the trainer to where the run continues; returns that point (step 0 and no cursors when it starts from
     * the initial weights). Refuses to start (throws) when checkpoints exist but none is intact.
     */
    Learner.ResumePoint start(boolean restart) {
        if (restart ? incarnations.hasCheckpoint() : settings.resume()) {
            return resumeFromCheckpoint(restart);
        }
        if (restart) {
            return restartFromInitialWeights();
        }
        clearHistory();
        return initialWeights();
    }

    private Learner.ResumePoint initialWeights() {
        return new Learner.ResumePoint(0, trainer.policy().weightVersion(), List.of());
    }

    private void clearHistory() {
        try {
            history.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("training history in " + settings.checkpointDirectory()
                    + " cannot be reset", e);
        }
    }

    /**
     * A restart before the run had any checkpoint: trains from the run's initial weights again (the trainer was just
     * created with them), with a fresh history, and publishes them, so that the workers drop what the failed learner
     * sent.
     */
    private Learner.ResumePoint restartFromInitialWeights() {
        clearHistory();
        long version = trainer.policy().weightVersion();
        publisher.tell(new WeightPublisher.Publish(trainer.policy().exportWeights(version)));
        log.warn("the learner restarted with no checkpoint of this run in {} to resume from: it starts"
                + " again from the run's initial weights (version {}), and every step is trained again",
                settings.checkpointDirectory(), version);
        return initialWeights();
    }

    private Learner.ResumePoint resumeFromCheckpoint(boolean restart) {
        Path directory = settings.checkpointDirectory();
        CheckpointRecovery.Outcome recovered;
        try {
            recovered = CheckpointRecovery.recover(directory);
        } catch (IOException e) {
            log.error("refusing to resume: {}", e.getMessage());
            throw new UncheckedIOException("refusing to resume: " + e.getMessage(), e);
        }
        for (CheckpointRecovery.Rejected rejected : recovered.rejected()) {
            log.error("checkpoint {} in {} is damaged and cannot be resumed from: {}",
                    rejected.metadataFile(), directory, rejected.reason());
        }
        if (!recovered.setAside().isEmpty()) {
            log.warn("set aside the files of the damaged checkpoints in {}: {}", directory, recovered.setAside());
        }
        if (recovered.checkpoint().isEmpty()) {
            if (restart) {
                return restartFromInitialWeights();
            }
            log.info("no checkpoint in {}; starting from the initial weights", directory);
            return initialWeights();
        }
        Checkpoint checkpoint = recovered.checkpoint().get();
        try {
            trainer.policy().importWeights(checkpoint.weights());
            trainer.policy().setWeightVersion(checkpoint.weights().version());
            trainer.restore(checkpoint.trainer());
            history.truncateAfter(checkpoint.step());
        } catch (IOException e) {
            throw new UncheckedIOException("training history in " + directory + " cannot be cut back to step "
                    + checkpoint.step(), e);
        }
        List<PlanCursor> cursors = checkpoint.cursors().stream()
                .map(c -> new PlanCursor(QualityTask.fromId(c.getTask()).orElseThrow(() ->
                        new IllegalArgumentException("checkpoint names unknown task " + c.getTask())),
                        c.getDataset(), (int) c.getEpoch(), (int) c.getCursor()))
                .toList();
        publisher.tell(new WeightPublisher.Publish(checkpoint.weights()));
        incarnations.checkpointed();
        log.info("{} step {} (weight version {}) from {} in {}",
                restart ? "the learner restarted and resumed" : "resumed", checkpoint.step(),
                checkpoint.weights().version(), recovered.metadataFile(), directory);
        return new Learner.ResumePoint(checkpoint.step(), checkpoint.weights().version(), cursors);
    }
}
