package visq.actors.learner;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import visq.actors.protocol.ClusterMessage;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptImages;
import visq.actors.weights.WeightPublisher;
import visq.gpu.model.EncodedWeights;
import visq.gpu.training.GrpoStepResult;
import visq.gpu.training.PolicyTraining;
import visq.gpu.training.SupervisedStepResult;
import visq.gpu.tasks.QualityTask;
import visq.protocol.artifacts.TaskCursor;

/**
 * Owns the trained policy, its frozen reference and the optimiser. Each step (a supervised cold-start
 * step or a GRPO update over scored groups) produces a new weight version, which it hands to the
 * weight publisher; every {@code checkpointEvery} steps it writes a checkpoint. A checkpoint that cannot be
 * written is logged and counted, and is retried after every following step until one is written (or the step
 * fails, with {@code checkpoint-failure = STOP}). Runs on a pinned dispatcher: every DJL call here blocks.
 */
public final class Learner extends AbstractBehavior<Learner.Command> {

    /** Messages the learner handles. */
    public sealed interface Command extends ClusterMessage {}

    /** One supervised step; {@code cursorsAfter} is where the data plans stand once its prompts were taken. */
    public record TrainColdStart(long step, List<SupervisedTarget> targets, List<PlanCursor> cursorsAfter,
            ActorRef<StatusReply<StepTrained>> replyTo) implements Command {
        public TrainColdStart {
            targets = List.copyOf(targets);
            cursorsAfter = List.copyOf(cursorsAfter);
        }
    }

    /** One GRPO update over scored groups; {@code cursorsAfter} as for {@link TrainColdStart}. */
    public record TrainGrpo(long step, List<ScoredGroup> groups, List<PlanCursor> cursorsAfter,
            ActorRef<StatusReply<StepTrained>> replyTo) implements Command {
        public TrainGrpo {
            groups = List.copyOf(groups);
            cursorsAfter = List.copyOf(cursorsAfter);
        }
    }

    /** Where a run continues: the last checkpointed step (0 for a fresh run) and its data plan cursors. */
    public record GetResumePoint(ActorRef<ResumePoint> replyTo) implements Command {}

    public record ResumePoint(long step, long weightVersion, List<PlanCursor> cursors) implements ClusterMessage {
        public ResumePoint {
            cursors = List.copyOf(cursors);
        }
    }

    /** Write a checkpoint now (end of run). */
    public record SaveCheckpoint(long step, ActorRef<CheckpointSaved> replyTo) implements Command {}

    public record CheckpointSaved(String path) implements ClusterMessage {}

    /**
     * Reply to a training command, as a {@link StatusReply#success}; a step that failed (or whose due checkpoint could
     * not be written, with {@code checkpoint-failure = STOP}) is answered with a {@link StatusReply#error} that says
     * why.
     */
    public record StepTrained(StepStats stats) implements ClusterMessage {}

    /** Sub-folder of the checkpoint directory holding the policy as it was after the cold start. */
    public static final String COLD_START_FOLDER = "cold-start";

    private final LearnerSettings settings;
    private final PolicyTraining trainer;
    private final PromptImages images;
    private final ActorRef<WeightPublisher.Command> publisher;
    private final CheckpointWriter checkpoints;
    private final TrainingHistory history;
    private final TrainingMetrics metrics;
    private long version;
    private long resumedStep;
    private List<PlanCursor> cursors = List.of();
    // a checkpoint was due and could not be written: every following step tries again
    private boolean checkpointOverdue;

    public static Behavior<Command> create(LearnerSettings settings, Supplier<? extends PolicyTraining> trainerFactory,
            PromptImages images, ActorRef<WeightPublisher.Command> publisher, TrainingMetrics metrics) {
        return Behaviors.setup(
                context -> new Learner(context, settings, trainerFactory.get(), images, publisher, metrics));
    }

    private Learner(ActorContext<Command> context, LearnerSettings settings, PolicyTraining trainer,
            PromptImages images, ActorRef<WeightPublisher.Command> publisher, TrainingMetrics metrics) {
        super(context);
        this.settings = settings;
        this.trainer = trainer;
        this.images = images;
        this.publisher = publisher;
        this.checkpoints = new CheckpointWriter(settings.checkpointDirectory());
        this.history = new TrainingHistory(settings.checkpointDirectory());
        this.metrics = metrics;
        this.version = trainer.policy().weightVersion();
        if (settings.resume()) {
            resumeFromCheckpoint(context);
        } else {
            try {
                history.clear();
            } catch (IOException e) {
                throw new UncheckedIOException("training history in " + settings.checkpointDirectory()
                        + " cannot be reset", e);
            }
        }
        recordLiveArrays();
    }

    /** Counts the arrays alive under the policy, the reference and the trainer, on this (their) thread. */
    private void recordLiveArrays() {
        metrics.liveArrays("policy", trainer.policy().liveArrayCount());
        trainer.reference().ifPresent(reference -> metrics.liveArrays("reference", reference.liveArrayCount()));
        metrics.liveArrays("trainer", trainer.liveArrayCount());
    }

    /**
     * Resumes from the newest intact checkpoint ({@link CheckpointRecovery}): a damaged newer one is logged as an
     * error naming its file and set aside. Refuses to start (throws) when checkpoints exist but none is intact.
     */
    private void resumeFromCheckpoint(ActorContext<Command> context) {
        Path directory = settings.checkpointDirectory();
        CheckpointRecovery.Outcome recovered;
        try {
            recovered = CheckpointRecovery.recover(directory);
        } catch (IOException e) {
            context.getLog().error("refusing to resume: {}", e.getMessage());
            throw new UncheckedIOException("refusing to resume: " + e.getMessage(), e);
        }
        for (CheckpointRecovery.Rejected rejected : recovered.rejected()) {
            context.getLog().error("checkpoint {} in {} is damaged and cannot be resumed from: {}",
                    rejected.metadataFile(), directory, rejected.reason());
        }
        if (!recovered.setAside().isEmpty()) {
            context.getLog().warn("set aside the files of the damaged checkpoints in {}: {}", directory,
                    recovered.setAside());
        }
        if (recovered.checkpoint().isEmpty()) {
            context.getLog().info("no checkpoint in {}; starting from the initial weights", directory);
            return;
        }
        try {
            Checkpoint checkpoint = recovered.checkpoint().get();
            trainer.policy().importWeights(checkpoint.weights());
            trainer.policy().setWeightVersion(checkpoint.weights().version());
            trainer.restore(checkpoint.trainer());
            version = checkpoint.weights().version();
            resumedStep = checkpoint.step();
            history.truncateAfter(resumedStep);
            cursors = checkpoint.cursors().stream()
                    .map(c -> new PlanCursor(QualityTask.fromId(c.getTask()).orElseThrow(() ->
                            new IllegalArgumentException("checkpoint names unknown task " + c.getTask())),
                            c.getDataset(), (int) c.getEpoch(), (int) c.getCursor()))
                    .toList();
            publisher.tell(new WeightPublisher.Publish(checkpoint.weights()));
            context.getLog().info("resumed step {} (weight version {}) from {} in {}", resumedStep, version,
                    recovered.metadataFile(), directory);
        } catch (IOException e) {
            throw new UncheckedIOException("training history in " + directory + " cannot be cut back to step "
                    + resumedStep, e);
        }
    }

    private Behavior<Command> onGetResumePoint(GetResumePoint request) {
        request.replyTo().tell(new ResumePoint(resumedStep, version, cursors));
        return this;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(TrainColdStart.class, this::onTrainColdStart)
                .onMessage(TrainGrpo.class, this::onTrainGrpo)
                .onMessage(SaveCheckpoint.class, this::onSaveCheckpoint)
                .onMessage(GetResumePoint.class, this::onGetResumePoint)
                .onSignal(PostStop.class, signal -> onStop())
                .build();
    }

    private Behavior<Command> onTrainColdStart(TrainColdStart command) {
        long started = System.nanoTime();
        cursors = command.cursorsAfter();
        try {
            SupervisedStepResult result = trainer.supervisedStep(SupervisedBatch.of(command.targets(), images,
                    trainer.policy().tokenizer()));
            publishNewVersion();
            reply(command.replyTo(), command.targets().stream().map(t -> t.prompt().sampleId()).toList(),
                    StepStats.coldStart(command.step(), version, result.loss(), secondsSince(started)));
        } catch (RuntimeException e) {
            getContext().getLog().error("cold-start step {} failed", command.step(), e);
            command.replyTo().tell(StatusReply.error(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return this;
    }

    private Behavior<Command> onTrainGrpo(TrainGrpo command) {
        saveColdStartCheckpointOnce(command.step() - 1);
        long started = System.nanoTime();
        cursors = command.cursorsAfter();
        try {
            long versionTrained = version;
            long maxStaleness = command.groups().stream()
                    .mapToLong(g -> versionTrained - g.group().weightVersion()).max().orElse(0);
            GrpoBatch batch = GrpoBatch.of(command.groups(), images, settings.advantageScaling(),
                    settings.dynamicSampling());
            GrpoStepResult result = batch.samples().isEmpty()
                    ? GrpoStepResult.skipped()
                    : trainer.grpoStep(batch.samples());
            publishNewVersion();
            metrics.rolloutsTrained(command.groups(), versionTrained);
            reply(command.replyTo(), command.groups().stream().map(g -> g.group().prompt().sampleId()).toList(),
                    StepStats.grpo(command.step(), version, batch, result, secondsSince(started), maxStaleness));
        } catch (RuntimeException e) {
            getContext().getLog().error("GRPO step {} failed", command.step(), e);
            command.replyTo().tell(StatusReply.error(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return this;
    }

    /**
     * Records the step, then writes the checkpoint when one is due (or overdue after a failed write), then replies: a
     * process killed at any point leaves a history that reaches at least to its newest checkpoint (a resumed run
     * drops what lies beyond).
     */
    private void reply(ActorRef<StatusReply<StepTrained>> replyTo, List<String> sampleIds, StepStats stats) {
        metrics.record(stats);
        recordLiveArrays();
        try {
            history.append(stats, sampleIds);
        } catch (IOException e) {
            getContext().getLog().warn("step {} could not be added to the training history: {}", stats.step(),
                    e.getMessage());
        }
        boolean due = settings.checkpointEvery() > 0
                && (stats.step() % settings.checkpointEvery() == 0 || checkpointOverdue);
        if (due && writeCheckpoint(stats.step()).isEmpty()
                && settings.checkpointFailure() == LearnerSettings.CheckpointFailure.STOP) {
            replyTo.tell(StatusReply.error("checkpoint at step " + stats.step() + " could not be written to "
                    + settings.checkpointDirectory() + "; stopping (visq.learner.checkpoint-failure = STOP)"));
            return;
        }
        replyTo.tell(StatusReply.success(new StepTrained(stats)));
    }

    /**
     * Before the first GRPO update of a run that had a cold start, keeps the cold-start policy in
     * {@code <checkpoint-dir>/cold-start} so that evaluations can compare before and after GRPO.
     */
    private void saveColdStartCheckpointOnce(long coldStartSteps) {
        Path folder = settings.checkpointDirectory().resolve(COLD_START_FOLDER);
        if (coldStartSteps <= 0 || Files.exists(folder.resolve(CheckpointWriter.LATEST_METADATA))) {
            return;
        }
        try {
            new CheckpointWriter(folder).write(new Checkpoint(coldStartSteps, trainer.policy().exportWeights(version),
                    trainer.exportState(), List.of()));
        } catch (IOException e) {
            getContext().getLog().warn("cold-start checkpoint could not be written: {}", e.getMessage());
        }
    }

    private Behavior<Command> onSaveCheckpoint(SaveCheckpoint command) {
        command.replyTo().tell(new CheckpointSaved(writeCheckpoint(command.step())));
        return this;
    }

    private void publishNewVersion() {
        version++;
        trainer.policy().setWeightVersion(version);
        EncodedWeights weights = trainer.policy().exportWeights(version);
        publisher.tell(new WeightPublisher.Publish(weights));
    }

    private String writeCheckpoint(long step) {
        try {
            List<TaskCursor> taskCursors = cursors.stream()
                    .map(c -> TaskCursor.newBuilder().setTask(c.task().id()).setDataset(c.dataset())
                            .setEpoch(c.epoch()).setCursor(c.cursor()).build())
                    .toList();
            String written = checkpoints.write(new Checkpoint(step, trainer.policy().exportWeights(version),
                    trainer.exportState(), taskCursors)).toString();
            if (checkpointOverdue) {
                getContext().getLog().info("checkpoint at step {} written to {} after earlier writes failed", step,
                        settings.checkpointDirectory());
            }
            checkpointOverdue = false;
            metrics.checkpointWritten(step);
            return written;
        } catch (IOException | RuntimeException e) {
            checkpointOverdue = true;
            metrics.checkpointFailed();
            getContext().getLog().error("checkpoint at step {} could not be written to {} ({}: {}); the weights stay in"
                    + " memory, the older checkpoints are untouched, and the write is {}", step,
                    settings.checkpointDirectory(), e.getClass().getSimpleName(), e.getMessage(),
                    settings.checkpointFailure() == LearnerSettings.CheckpointFailure.STOP
                            ? "not retried: the run stops (checkpoint-failure = STOP)"
                            : "retried after the next step", e);
            return "";
        }
    }

    private Behavior<Command> onStop() {
        trainer.close();
        return this;
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
