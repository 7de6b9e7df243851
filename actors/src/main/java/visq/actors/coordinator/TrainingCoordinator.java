package visq.actors.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.StatusReply;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import visq.actors.learner.PlanCursor;
import visq.actors.learner.StepStats;
import visq.actors.learner.TrainingPhase;
import visq.actors.protocol.ClusterMessage;
import visq.actors.learner.Learner;
import visq.actors.reward.RewardScorer;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.RolloutGroup;
import visq.actors.rollout.RolloutWorker;

/**
 * Drives a training run: waits for rollout workers, runs the supervised cold start, then GRPO steps.
 * A GRPO step takes the next prompts of one task from its epoch plan, splits them across the rollout
 * workers the receptionist lists, re-dispatches a part whose worker failed or timed out, or left the
 * listing (its node left, was downed or became unreachable; at once, not after the timeout), has the
 * reward scorer score the groups and the learner train on them. Of a part sent more than once the first
 * answer counts; later ones are dropped, so no rollout is trained on twice. It records every step in its
 * {@link TrainingProgress} and tells subscribers.
 *
 * <p>When the learner fails a step and restarts ({@link Learner.StepFailed}), the coordinator drops the rollouts it
 * has in flight (late answers are ignored), asks the restarted learner where it resumed, and goes back to that step:
 * its data plans return to the checkpoint's cursors, so every step after the checkpoint is trained again with the
 * same prompts and seeds, exactly as a run resumed with {@code visq.learner.resume} would. A learner that stops
 * instead (too many failures in a row) fails the run with its reason.
 */
public final class TrainingCoordinator extends AbstractBehavior<TrainingCoordinator.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "visq-training-coordinator");

    /** Messages the coordinator handles. */
    public sealed interface Command extends ClusterMessage {}

    public record GetProgress(ActorRef<TrainingProgress> replyTo) implements Command {}

    /** Receive the progress after every change until the run ends. */
    public record SubscribeProgress(ActorRef<TrainingProgress> subscriber) implements Command {}

    private record WorkersListed(Receptionist.Listing listing) implements Command {}

    /** Answers of rollout parts, of the dispatch {@code generation} they were sent in. */
    private record PartGenerated(long generation, long step, long partId, List<RolloutGroup> groups)
            implements Command {}
    private record PartFailed(long generation, long step, long partId, int attempt, String reason)
            implements Command {}

    private record BatchScored(long step, List<ScoredGroup> groups, List<PlanCursor> cursorsAfter) implements Command {}

    private record StepTrained(StepStats stats) implements Command {}

    private record CheckpointWritten(String path) implements Command {}

    private record ResumeFound(Learner.ResumePoint point) implements Command {}

    /** The learner failed {@code step} and is restarting: the run goes back to where it resumes. */
    private record LearnerRestarting(long step, String reason) implements Command {}

    /** The learner actor stopped. */
    private record LearnerStopped() implements Command {}

    /** The run cannot go on: a batch could not be scored, a step not trained, or the learner did not answer. */
    private record RunStopped(String reason) implements Command {}

    private final TrainingSettings settings;
    private final ActorRef<RewardScorer.Command> rewardScorer;
    private final ActorRef<Learner.Command> learner;
    private final StepPlans plans;
    private final Set<ActorRef<TrainingProgress>> subscribers = new HashSet<>();
    private final RolloutDispatch inFlight;
    private TrainingProgress progress;
    private boolean learnerBusy;
    private long stepStartedNanos;
    private boolean askedForResumePoint;
    // the learner failed a step and is restarting; why
    private boolean learnerRestarting;
    private String learnerFailure = "";

    public static Behavior<Command> create(TrainingSettings settings, TrainingData data,
            ActorRef<RewardScorer.Command> rewardScorer, ActorRef<Learner.Command> learner) {
        return Behaviors.setup(context -> new TrainingCoordinator(context, settings, data, rewardScorer, learner));
    }

    private TrainingCoordinator(ActorContext<Command> context, TrainingSettings settings, TrainingData data,
            ActorRef<RewardScorer.Command> rewardScorer, ActorRef<Learner.Command> learner) {
        super(context);
        this.settings = settings;
        this.rewardScorer = rewardScorer;
        this.learner = learner;
        this.progress = TrainingProgress.start(settings.coldStartSteps(), settings.grpoSteps());
        this.plans = new StepPlans(settings, data);
        this.inFlight = new RolloutDispatch(settings.maxDispatchAttempts(), this::send, this::fail, context.getLog());
        context.watchWith(learner, new LearnerStopped());
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, WorkersListed::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(RolloutWorker.KEY, adapter));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetProgress.class, this::onGetProgress)
                .onMessage(SubscribeProgress.class, this::onSubscribeProgress)
                .onMessage(WorkersListed.class, this::onWorkersListed)
                .onMessage(PartGenerated.class, this::onPartGenerated)
                .onMessage(PartFailed.class, this::onPartFailed)
                .onMessage(BatchScored.class, this::onBatchScored)
                .onMessage(StepTrained.class, this::onStepTrained)
                .onMessage(CheckpointWritten.class, this::onCheckpointWritten)
                .onMessage(ResumeFound.class, this::onResumeFound)
                .onMessage(LearnerRestarting.class, this::onLearnerRestarting)
                .onMessage(LearnerStopped.class, this::onLearnerStopped)
                .onMessage(RunStopped.class, this::onRunStopped)
                .build();
    }

    private Behavior<Command> onGetProgress(GetProgress request) {
        request.replyTo().tell(progress);
        return this;
    }

    private Behavior<Command> onSubscribeProgress(SubscribeProgress request) {
        subscribers.add(request.subscriber());
        request.subscriber().tell(progress);
        return this;
    }

    private Behavior<Command> onWorkersListed(WorkersListed listed) {
        int workers = inFlight.listed(listed.listing().getServiceInstances(RolloutWorker.KEY));
        update(new TrainingProgress.WorkersCounted(workers));
        if (progress.phase() == TrainingPhase.GRPO) {
            inFlight.redispatchPartsOfLostWorkers();
        }
        if (progress.phase() == TrainingPhase.WAITING_FOR_WORKERS && workers >= settings.minWorkers()
                && !askedForResumePoint) {
            askedForResumePoint = true;
            // the learner answers once it is set up: its frozen priors need every training image's features, which
            // a cold feature store computes first
            askResumePoint(settings.learnerSetupTimeout(), "learner did not say where to resume within "
                    + "visq.training.learner-setup-timeout (" + settings.learnerSetupTimeout() + ")");
        }
        return this;
    }

    /** Where the learner starts: at the run's start, or after it restarted. */
    private Behavior<Command> onResumeFound(ResumeFound found) {
        boolean restarted = learnerRestarting;
        if (restarted) {
            if (progress.phase() == TrainingPhase.FAILED) {
                return this;
            }
            learnerRestarting = false;
            learnerBusy = false;
        }
        plans.resumeAt(found.point(), restarted);
        if (restarted) {
            getContext().getLog().warn("the learner restarted: training goes on after step {} (weight version {}),"
                    + " {} step(s) back", found.point().step(), found.point().weightVersion(),
                    progress.step() - found.point().step());
            update(new TrainingProgress.Resumed(found.point().step(), found.point().weightVersion()));
        } else if (found.point().step() > 0) {
            getContext().getLog().info("resuming training after step {} (weight version {})", found.point().step(),
                    found.point().weightVersion());
            update(new TrainingProgress.Resumed(found.point().step(), found.point().weightVersion()));
        }
        nextStep();
        return this;
    }

    /**
     * The learner failed a step and restarts: drops the rollouts in flight (their answers will be ignored) and asks
     * the restarted learner where it resumed; the ask waits for its back-off and restart.
     */
    private Behavior<Command> onLearnerRestarting(LearnerRestarting restarting) {
        getContext().getLog().warn("the learner failed step {} and restarts ({}); rollouts in flight are dropped",
                restarting.step(), restarting.reason());
        learnerRestarting = true;
        learnerFailure = restarting.reason();
        inFlight.dropAll();
        askResumePoint(settings.learnerTimeout(),
                "the learner did not restart after it failed (" + restarting.reason() + ")");
        return this;
    }

    /** Asks the learner where it resumes; {@code notAnswered} says what it means when it does not answer in time. */
    private void askResumePoint(Duration timeout, String notAnswered) {
        getContext().ask(Learner.ResumePoint.class, learner, timeout, Learner.GetResumePoint::new,
                (point, failure) -> point != null ? new ResumeFound(point)
                        : new RunStopped(notAnswered + ": " + failure.getMessage()));
    }

    /**
     * The learner stopped. While it was restarting that ends the run at once (a restart that could not set it up
     * again, too often: its log says why); otherwise the step it was asked for answers (or times out).
     */
    private Behavior<Command> onLearnerStopped(LearnerStopped stopped) {
        if (learnerRestarting) {
            fail("the learner stopped while restarting after " + learnerFailure + " (its log says why)");
        }
        return this;
    }

    /** Starts the step after {@code progress.step()}, or finishes the run. */
    private void nextStep() {
        long step = progress.step() + 1;
        stepStartedNanos = System.nanoTime();
        if (step <= settings.coldStartSteps()) {
            enter(TrainingPhase.COLD_START);
            startColdStartStep(step);
        } else if (step <= progress.totalSteps()) {
            enter(TrainingPhase.GRPO);
            fillPipeline();
            trainWhenReady();
        } else {
            enter(TrainingPhase.DONE);
            getContext().ask(Learner.CheckpointSaved.class, learner, settings.learnerTimeout(),
                    replyTo -> new Learner.SaveCheckpoint(progress.step(), replyTo),
                    (saved, failure) -> new CheckpointWritten(saved != null ? saved.path() : ""));
        }
    }

    private void startColdStartStep(long step) {
        StepPlans.ColdStartStep coldStart = plans.coldStart(step);
        learnerBusy = true;
        askLearner(replyTo -> new Learner.TrainColdStart(step, coldStart.targets(), coldStart.cursorsAfter(), replyTo));
    }

    /**
     * Starts generating every GRPO step from the next one up to {@code max-staleness} steps ahead that is not
     * generating yet. With max-staleness 0 only the next step generates: synchronous, on-policy training.
     */
    private void fillPipeline() {
        long last = Math.min(progress.totalSteps(), progress.step() + 1 + settings.maxStaleness());
        for (long step = Math.max(progress.step() + 1, settings.coldStartSteps() + 1); step <= last; step++) {
            if (!inFlight.isGenerating(step)) {
                inFlight.start(plans.grpo(step));
            }
        }
    }

    /** Asks {@code worker} to generate part {@code partId}; its answer carries the dispatch {@code generation}. */
    private void send(long generation, StepRollouts rollouts, long partId, int attempt,
            ActorRef<RolloutWorker.Command> worker) {
        long step = rollouts.step();
        List<PromptRef> prompts = rollouts.promptsOf(partId);
        List<Long> seeds = prompts.stream().map(prompt -> rollouts.seedOf(prompt, settings.seed())).toList();
        long minimumVersion = Math.max(0, progress.weightVersion() - settings.maxStaleness());
        // never newer than the learner can have published by the time the part is generated: a higher version
        // held by a worker comes from a learner that died after its last checkpoint
        long maximumVersion = progress.weightVersion() + settings.maxStaleness();
        getContext().askWithStatus(RolloutWorker.GroupsGenerated.class, worker, settings.rolloutTimeout(),
                replyTo -> new RolloutWorker.GenerateGroups(partId, prompts, seeds, settings.groupSize(),
                        settings.sampling(), minimumVersion, maximumVersion, replyTo),
                (generated, failure) -> generated != null
                        ? new PartGenerated(generation, step, partId, generated.groups())
                        : new PartFailed(generation, step, partId, attempt, reasonOf(failure, "worker " + worker.path())));
    }

    private Behavior<Command> onPartGenerated(PartGenerated generated) {
        // any attempt's groups will do (same prompts, same seeds); the first to arrive completes the part
        inFlight.awaiting(generated.generation(), generated.step(), generated.partId()).ifPresent(rollouts -> {
            rollouts.complete(generated.partId(), generated.groups());
            trainWhenReady();
        });
        return this;
    }

    private Behavior<Command> onPartFailed(PartFailed failed) {
        inFlight.awaiting(failed.generation(), failed.step(), failed.partId()).ifPresent(rollouts ->
                inFlight.failed(rollouts, failed.partId(), failed.attempt(), failed.reason()));
        return this;
    }

    /**
     * Trains the next step once the learner is free and all its rollouts are in. Groups more than
     * {@code max-staleness} versions behind the learner are never trained on: their prompts are generated
     * again (and logged).
     */
    private void trainWhenReady() {
        long step = progress.step() + 1;
        StepRollouts rollouts = inFlight.get(step);
        if (learnerBusy || rollouts == null || !rollouts.isComplete()) {
            return;
        }
        List<RolloutGroup> stale = rollouts.removeStale(progress.weightVersion() - settings.maxStaleness());
        if (!stale.isEmpty()) {
            getContext().getLog().info("step {}: {} group(s) older than {} versions are generated again", step,
                    stale.size(), settings.maxStaleness());
            inFlight.dispatchShares(rollouts, stale.stream().map(RolloutGroup::prompt).toList());
            return;
        }
        inFlight.remove(step);
        learnerBusy = true;
        List<RolloutGroup> batch = rollouts.groups();
        List<PlanCursor> cursorsAfter = rollouts.cursorsAfter();
        getContext().askWithStatus(RewardScorer.GroupsScored.class, rewardScorer, settings.rolloutTimeout(),
                replyTo -> new RewardScorer.ScoreGroups(step, batch, replyTo),
                (scored, failure) -> scored != null ? new BatchScored(step, scored.groups(), cursorsAfter)
                        : new RunStopped(reasonOf(failure, "reward scorer")));
    }

    private Behavior<Command> onBatchScored(BatchScored scored) {
        askLearner(replyTo -> new Learner.TrainGrpo(scored.step(), scored.groups(), scored.cursorsAfter(), replyTo));
        return this;
    }

    private void askLearner(
            akka.japi.function.Function<ActorRef<StatusReply<Learner.StepOutcome>>, Learner.Command> command) {
        getContext().askWithStatus(Learner.StepOutcome.class, learner, settings.learnerTimeout(), command,
                (outcome, failure) -> outcome == null ? new RunStopped(reasonOf(failure, "learner"))
                        : outcome.<Command>fold(trained -> new StepTrained(trained.stats()),
                                failed -> failed.restarting() ? new LearnerRestarting(failed.step(), failed.reason())
                                        : new RunStopped(failed.reason())));
    }

    /** Why an ask with status failed: the error {@code whom} replied, or that it did not answer in time. */
    private static String reasonOf(Throwable failure, String whom) {
        return failure instanceof StatusReply.ErrorMessage ? failure.getMessage()
                : whom + " did not answer: " + failure.getMessage();
    }

    private Behavior<Command> onStepTrained(StepTrained trained) {
        learnerBusy = false;
        update(new TrainingProgress.StepCompleted(
                trained.stats().withSeconds((System.nanoTime() - stepStartedNanos) / 1e9)));
        nextStep();
        return this;
    }

    private Behavior<Command> onRunStopped(RunStopped stopped) {
        return fail(stopped.reason());
    }

    private Behavior<Command> onCheckpointWritten(CheckpointWritten written) {
        if (written.path().isEmpty()) {
            getContext().getLog().error("training finished at step {}, but its final checkpoint was not written (see"
                    + " the learner's log): the newest checkpoint on disk is older", progress.step());
        } else {
            getContext().getLog().info("training finished at step {}; checkpoint {}", progress.step(), written.path());
        }
        publish();
        return this;
    }

    private void enter(TrainingPhase phase) {
        if (progress.phase() != phase) {
            update(new TrainingProgress.PhaseEntered(phase));
        }
    }

    private Behavior<Command> fail(String reason) {
        if (progress.phase() == TrainingPhase.FAILED) {
            return this; // the first reason stands
        }
        getContext().getLog().error("training run failed: {}", reason);
        update(new TrainingProgress.RunFailed(reason));
        return this;
    }

    private void update(TrainingProgress.Event event) {
        progress = progress.updated(event);
        publish();
    }

    private void publish() {
        subscribers.forEach(subscriber -> subscriber.tell(progress));
    }
}
