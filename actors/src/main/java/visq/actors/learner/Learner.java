package visq.actors.learner;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.pattern.StatusReply;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import visq.actors.protocol.ClusterMessage;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptImages;
import visq.actors.weights.WeightPublisher;
import visq.gpu.model.EncodedWeights;
import visq.gpu.training.GrpoStepResult;
import visq.gpu.training.PolicyTraining;
import visq.gpu.training.SupervisedStepResult;

/**
 * Owns the trained policy, its frozen reference and the optimiser. Each step (a supervised cold-start
 * step or a GRPO update over scored groups) produces a new weight version, which it hands to its weight
 * publisher (a child); every {@code checkpointEvery} steps it writes a checkpoint. A checkpoint that cannot be
 * written is logged and counted, and is retried after every following step until one is written (or the step
 * fails, with {@code checkpoint-failure = STOP}). Runs on a pinned dispatcher: every DJL call here blocks.
 *
 * <p>A step whose trainer throws is answered with {@link StepFailed} and the learner fails: its supervisor restarts
 * it after a back-off ({@link LearnerSettings.Restarts}; what it is sent meanwhile waits). The fresh learner closes
 * nothing of the old one's (that one released its trainer), builds a new trainer and resumes from the newest
 * checkpoint this run has (written, or started from): weights, optimiser state, plan position and history, as
 * {@code resume} does, or from the run's initial weights when there is none yet. It publishes those weights through
 * a new publisher: a new lineage, which the workers take even though its versions are lower than the ones the old
 * learner sent. More than {@code max-restarts} failures without a step trained in between stop it.
 */
public final class Learner extends AbstractBehavior<Learner.Command> {

    /** Messages the learner handles. */
    public sealed interface Command extends ClusterMessage {}

    /** One supervised step; {@code cursorsAfter} is where the data plans stand once its prompts were taken. */
    public record TrainColdStart(long step, List<SupervisedTarget> targets, List<PlanCursor> cursorsAfter,
            ActorRef<StatusReply<StepOutcome>> replyTo) implements Command {
        public TrainColdStart {
            targets = List.copyOf(targets);
            cursorsAfter = List.copyOf(cursorsAfter);
        }
    }

    /** One GRPO update over scored groups; {@code cursorsAfter} as for {@link TrainColdStart}. */
    public record TrainGrpo(long step, List<ScoredGroup> groups, List<PlanCursor> cursorsAfter,
            ActorRef<StatusReply<StepOutcome>> replyTo) implements Command {
        public TrainGrpo {
            groups = List.copyOf(groups);
            cursorsAfter = List.copyOf(cursorsAfter);
        }
    }

    /**
     * Where a run continues: the checkpointed step the learner started from (0 for a fresh run, and after a restart
     * with no checkpoint) and its data plan cursors. Asked after a {@link StepFailed}, it is answered by the restarted
     * learner.
     */
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
     * Reply to a training command, as a {@link StatusReply#success}: the step was trained ({@link StepTrained}) or its
     * trainer failed ({@link StepFailed}). A step whose due checkpoint could not be written, with
     * {@code checkpoint-failure = STOP}, is answered with a {@link StatusReply#error} that says why.
     */
    public sealed interface StepOutcome extends ClusterMessage {
        /** What {@code trained} makes of a trained step, or {@code failed} of a failed one. */
        <T> T fold(Function<StepTrained, T> trained, Function<StepFailed, T> failed);
    }

    public record StepTrained(StepStats stats) implements StepOutcome {
        @Override
        public <T> T fold(Function<StepTrained, T> trained, Function<StepFailed, T> failed) {
            return trained.apply(this);
        }
    }

    /**
     * The step was not trained: {@code reason} says what failed. When {@code restarting}, the learner restarts after
     * a back-off and {@link GetResumePoint} then says from which step (every step after it is to be trained again);
     * otherwise it failed more often in a row than {@code visq.learner.max-restarts} allows and has stopped.
     */
    public record StepFailed(long step, String reason, boolean restarting) implements StepOutcome {
        @Override
        public <T> T fold(Function<StepTrained, T> trained, Function<StepFailed, T> failed) {
            return failed.apply(this);
        }
    }

    /** Sub-folder of the checkpoint directory holding the policy as it was after the cold start. */
    public static final String COLD_START_FOLDER = "cold-start";

    /** Each back-off is stretched by a random 0 to 20 %. */
    private static final double BACKOFF_JITTER = 0.2;

    /** The trainer threw, or a restart could not set the learner up again: the supervisor restarts it. */
    static final class LearnerFailed extends RuntimeException {
        LearnerFailed(String reason, RuntimeException cause) {
            super(reason, cause);
        }
    }

    private final LearnerSettings settings;
    private final PolicyTraining trainer;
    private final PromptImages images;
    private final ActorRef<WeightPublisher.Command> publisher;
    private final TrainingMetrics metrics;
    private final StepRecorder steps;
    private final Incarnations incarnations;
    private final long resumedStep;
    private long version;
    private List<PlanCursor> cursors;

    /**
     * @param trainerFactory creates the trainer (its policy at the run's initial weights) on the learner's device;
     *                       called on the learner's own thread, once per incarnation
     * @param publisher      the weight publisher, spawned as a child by each incarnation
     */
    public static Behavior<Command> create(LearnerSettings settings, Supplier<? extends PolicyTraining> trainerFactory,
            PromptImages images, Behavior<WeightPublisher.Command> publisher, TrainingMetrics metrics) {
        LearnerSettings.Restarts restarts = settings.restarts();
        return Behaviors.setup(outer -> {
            Incarnations incarnations = new Incarnations();
            return Behaviors.supervise(Behaviors.<Command>setup(context ->
                            incarnation(context, settings, trainerFactory, images, publisher, metrics, incarnations)))
                    .onFailure(LearnerFailed.class, SupervisorStrategy.restartWithBackoff(restarts.minBackoff(),
                            restarts.maxBackoff(), BACKOFF_JITTER).withLoggingEnabled(false)); // logged here
        });
    }

    /**
     * One incarnation of the learner. The first refuses to start (throws) when it cannot; a restarted one that cannot
     * set itself up (its device, its checkpoint) fails again, and is restarted after a longer back-off, up to the
     * failures in a row that {@code max-restarts} allows.
     */
    private static Behavior<Command> incarnation(ActorContext<Command> context, LearnerSettings settings,
            Supplier<? extends PolicyTraining> trainerFactory, PromptImages images,
            Behavior<WeightPublisher.Command> publisher, TrainingMetrics metrics, Incarnations incarnations) {
        boolean restart = incarnations.begin();
        PolicyTraining trainer = null;
        try {
            trainer = trainerFactory.get();
            ActorRef<WeightPublisher.Command> publisherRef =
                    context.spawn(publisher, "weight-publisher-" + incarnations.number());
            return new Learner(context, settings, trainer, images, publisherRef, metrics, incarnations, restart);
        } catch (RuntimeException e) {
            if (trainer != null) {
                trainer.close();
            }
            if (!restart) {
                throw e;
            }
            int inARow = incarnations.failed();
            int allowed = settings.restarts().maxRestarts();
            if (inARow > allowed) {
                context.getLog().error("the learner could not restart ({}); it failed {} times in a row, more than"
                        + " visq.learner.max-restarts ({}) allows, and stops", describe(e), inARow, allowed, e);
                return Behaviors.stopped();
            }
            context.getLog().error("the learner could not restart ({}); it tries again after a back-off (failure {}"
                    + " in a row, at most {} restarts)", describe(e), inARow, allowed, e);
            throw new LearnerFailed("the learner could not restart: " + describe(e), e);
        }
    }

    private Learner(ActorContext<Command> context, LearnerSettings settings, PolicyTraining trainer,
            PromptImages images, ActorRef<WeightPublisher.Command> publisher, TrainingMetrics metrics,
            Incarnations incarnations, boolean restart) {
        super(context);
        this.settings = settings;
        this.trainer = trainer;
        this.images = images;
        this.publisher = publisher;
        this.metrics = metrics;
        this.incarnations = incarnations;
        TrainingHistory history = new TrainingHistory(settings.checkpointDirectory());
        this.steps = new StepRecorder(settings, trainer, history, metrics, incarnations, context.getLog());
        ResumePoint start = new IncarnationStart(settings, trainer, publisher, history, incarnations,
                context.getLog()).start(restart);
        this.version = start.weightVersion();
        this.resumedStep = start.step();
        this.cursors = start.cursors();
        steps.recordLiveArrays();
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
                .onSignal(PreRestart.class, signal -> onStop())
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
            return stepFailed("cold-start step " + command.step(), command.step(), e, command.replyTo());
        }
        return this;
    }

    private Behavior<Command> onTrainGrpo(TrainGrpo command) {
        try {
            steps.saveColdStartCheckpointOnce(command.step() - 1, version);
            long started = System.nanoTime();
            cursors = command.cursorsAfter();
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
            return stepFailed("GRPO step " + command.step(), command.step(), e, command.replyTo());
        }
        return this;
    }

    /**
     * Answers a step whose trainer threw with {@link StepFailed}, then fails, so that the supervisor restarts the
     * learner with a fresh trainer (its weights and optimiser state may be half updated); or stops, when it has failed
     * more often in a row than {@code max-restarts} allows.
     */
    private Behavior<Command> stepFailed(String what, long step, RuntimeException e,
            ActorRef<StatusReply<StepOutcome>> replyTo) {
        int inARow = incarnations.failed();
        int allowed = settings.restarts().maxRestarts();
        String cause = what + " failed: " + describe(e);
        if (inARow > allowed) {
            String reason = "the learner failed " + inARow + " times in a row, more than visq.learner.max-restarts ("
                    + allowed + ") allows, and stopped; the last failure: " + cause;
            getContext().getLog().error("{}", reason, e);
            replyTo.tell(StatusReply.success(new StepFailed(step, reason, false)));
            return Behaviors.stopped();
        }
        getContext().getLog().error("{}; the learner restarts after a back-off and resumes from its newest checkpoint"
                + " (failure {} in a row, at most {} restarts)", cause, inARow, allowed, e);
        replyTo.tell(StatusReply.success(new StepFailed(step, cause, true)));
        throw new LearnerFailed(cause, e);
    }

    /** Records the step ({@link StepRecorder#record}), then replies. */
    private void reply(ActorRef<StatusReply<StepOutcome>> replyTo, List<String> sampleIds, StepStats stats) {
        steps.record(stats, sampleIds, version, cursors).ifPresentOrElse(
                stopping -> replyTo.tell(StatusReply.error(stopping)),
                () -> replyTo.tell(StatusReply.success(new StepTrained(stats))));
    }

    private Behavior<Command> onSaveCheckpoint(SaveCheckpoint command) {
        command.replyTo().tell(new CheckpointSaved(steps.writeCheckpoint(command.step(), version, cursors)));
        return this;
    }

    private void publishNewVersion() {
        version++;
        trainer.policy().setWeightVersion(version);
        EncodedWeights weights = trainer.policy().exportWeights(version);
        publisher.tell(new WeightPublisher.Publish(weights));
    }

    private Behavior<Command> onStop() {
        trainer.close();
        return this;
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
