package visq.actors.coordinator;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import visq.actors.cluster.ClusterMessage;
import visq.actors.learner.Learner;
import visq.actors.learner.SupervisedTarget;
import visq.actors.reward.RewardScorer;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.RolloutGroup;
import visq.actors.rollout.RolloutWorker;
import visq.actors.rollout.SeedMixer;
import visq.gpu.tasks.QualityTask;

/**
 * Drives a training run: waits for rollout workers, runs the supervised cold start, then GRPO steps.
 * A GRPO step takes the next prompts of one task from its epoch plan, splits them across the rollout
 * workers the receptionist lists, re-dispatches a part whose worker failed or timed out, has the
 * reward scorer score the groups and the learner train on them. It records every step in its
 * {@link TrainingProgress} and tells subscribers.
 */
public final class TrainingCoordinator extends AbstractBehavior<TrainingCoordinator.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "visq-training-coordinator");

    /** Messages the coordinator handles. */
    public sealed interface Command extends ClusterMessage {}

    public record GetProgress(ActorRef<TrainingProgress> replyTo) implements Command {}

    /** Receive the progress after every change until the run ends. */
    public record SubscribeProgress(ActorRef<TrainingProgress> subscriber) implements Command {}

    private record WorkersListed(Receptionist.Listing listing) implements Command {}

    private record PartGenerated(long step, long partId, RolloutWorker.GenerationOutcome outcome, String failure)
            implements Command {}

    private record BatchScored(long step, RewardScorer.ScoringOutcome outcome, String failure) implements Command {}

    private record StepReturned(long step, Learner.StepOutcome outcome, String failure) implements Command {}

    private record CheckpointWritten(String path) implements Command {}

    private record ResumeFound(Learner.ResumePoint point, String failure) implements Command {}

    private final TrainingSettings settings;
    private final TrainingData data;
    private final ActorRef<RewardScorer.Command> rewardScorer;
    private final ActorRef<Learner.Command> learner;
    private final Map<QualityTask, EpochPlan> plans = new EnumMap<>(QualityTask.class);
    private final Set<ActorRef<TrainingProgress>> subscribers = new HashSet<>();
    private List<ActorRef<RolloutWorker.Command>> workers = List.of();
    private TrainingProgress progress;
    private long dispatchCounter;

    // The GRPO step in flight: parts not yet generated, and groups collected so far.
    private final Map<Long, List<PromptRef>> outstandingParts = new HashMap<>();
    private final Map<Long, Integer> partAttempts = new HashMap<>();
    private final List<RolloutGroup> collected = new ArrayList<>();
    private long stepStartedNanos;
    private boolean askedForResumePoint;
    private List<PlanCursor> stepCursors = List.of();

    public static Behavior<Command> create(TrainingSettings settings, TrainingData data,
            ActorRef<RewardScorer.Command> rewardScorer, ActorRef<Learner.Command> learner) {
        return Behaviors.setup(context -> new TrainingCoordinator(context, settings, data, rewardScorer, learner));
    }

    private TrainingCoordinator(ActorContext<Command> context, TrainingSettings settings, TrainingData data,
            ActorRef<RewardScorer.Command> rewardScorer, ActorRef<Learner.Command> learner) {
        super(context);
        this.settings = settings;
        this.data = data;
        this.rewardScorer = rewardScorer;
        this.learner = learner;
        this.progress = TrainingProgress.start(settings.coldStartSteps(), settings.grpoSteps());
        for (QualityTask task : settings.tasks()) {
            plans.put(task, EpochPlan.start(data.prompts(task), SeedMixer.mix(settings.seed(), task.ordinal())));
        }
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
                .onMessage(BatchScored.class, this::onBatchScored)
                .onMessage(StepReturned.class, this::onStepReturned)
                .onMessage(CheckpointWritten.class, this::onCheckpointWritten)
                .onMessage(ResumeFound.class, this::onResumeFound)
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
        List<ActorRef<RolloutWorker.Command>> current =
                new ArrayList<>(listed.listing().getServiceInstances(RolloutWorker.KEY));
        current.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
        workers = List.copyOf(current);
        update(new TrainingProgress.WorkersCounted(workers.size()));
        if (progress.phase() == TrainingPhase.WAITING_FOR_WORKERS && workers.size() >= settings.minWorkers()
                && !askedForResumePoint) {
            askedForResumePoint = true;
            getContext().ask(Learner.ResumePoint.class, learner, settings.learnerTimeout(), Learner.GetResumePoint::new,
                    (point, failure) -> new ResumeFound(point,
                            failure == null ? "" : "learner did not say where to resume: " + failure.getMessage()));
        }
        return this;
    }

    private Behavior<Command> onResumeFound(ResumeFound found) {
        if (found.point() == null) {
            fail(found.failure());
            return this;
        }
        for (PlanCursor cursor : found.point().cursors()) {
            EpochPlan plan = plans.get(cursor.task());
            if (plan != null) {
                plans.put(cursor.task(), new EpochPlan(plan.prompts(), plan.seed(), cursor.epoch(), cursor.cursor()));
            }
        }
        if (found.point().step() > 0) {
            getContext().getLog().info("resuming training after step {} (weight version {})", found.point().step(),
                    found.point().weightVersion());
            update(new TrainingProgress.Resumed(found.point().step(), found.point().weightVersion()));
        }
        nextStep();
        return this;
    }

    private List<PlanCursor> cursors() {
        List<PlanCursor> cursors = new ArrayList<>();
        plans.forEach((task, plan) -> cursors.add(new PlanCursor(task, plan.epoch(), plan.cursor())));
        return cursors;
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
            startGrpoStep(step);
        } else {
            enter(TrainingPhase.DONE);
            getContext().ask(Learner.CheckpointSaved.class, learner, settings.learnerTimeout(),
                    replyTo -> new Learner.SaveCheckpoint(progress.step(), replyTo),
                    (saved, failure) -> new CheckpointWritten(saved != null ? saved.path() : ""));
        }
    }

    private void startColdStartStep(long step) {
        QualityTask task = taskOfStep(step);
        List<PromptRef> prompts = takePrompts(task, settings.coldStartBatch());
        List<SupervisedTarget> targets = new ArrayList<>(prompts.size());
        for (PromptRef prompt : prompts) {
            targets.add(new SupervisedTarget(prompt, data.coldStartTarget().apply(prompt)));
        }
        List<PlanCursor> cursorsAfter = cursors();
        askLearner(step, replyTo -> new Learner.TrainColdStart(step, targets, cursorsAfter, replyTo));
    }

    private void startGrpoStep(long step) {
        List<PromptRef> prompts = takePrompts(taskOfStep(step), settings.promptsPerStep());
        stepCursors = cursors();
        outstandingParts.clear();
        partAttempts.clear();
        collected.clear();
        int parts = Math.min(workers.size(), prompts.size());
        for (int part = 0; part < parts; part++) {
            List<PromptRef> share = new ArrayList<>();
            for (int i = part; i < prompts.size(); i += parts) {
                share.add(prompts.get(i));
            }
            long partId = step * 1000 + part;
            outstandingParts.put(partId, List.copyOf(share));
            partAttempts.put(partId, 0);
            dispatch(step, partId);
        }
    }

    private void dispatch(long step, long partId) {
        if (workers.isEmpty()) {
            fail("no rollout worker is left to generate step " + step);
            return;
        }
        int attempt = partAttempts.merge(partId, 1, Integer::sum);
        if (attempt > settings.maxDispatchAttempts()) {
            fail("rollout part " + partId + " failed " + settings.maxDispatchAttempts() + " times");
            return;
        }
        ActorRef<RolloutWorker.Command> worker = workers.get((int) (dispatchCounter++ % workers.size()));
        List<PromptRef> prompts = outstandingParts.get(partId);
        long seed = SeedMixer.mix(settings.seed(), partId);
        getContext().ask(RolloutWorker.GenerationOutcome.class, worker, settings.rolloutTimeout(),
                replyTo -> new RolloutWorker.GenerateGroups(partId, prompts, settings.groupSize(),
                        settings.sampling(), seed, replyTo),
                (outcome, failure) -> new PartGenerated(step, partId, outcome,
                        failure == null ? "" : "worker " + worker.path() + " did not answer: " + failure.getMessage()));
    }

    private Behavior<Command> onPartGenerated(PartGenerated generated) {
        if (generated.step() != progress.step() + 1 || !outstandingParts.containsKey(generated.partId())) {
            return this; // a late answer for a part that was already re-dispatched and completed
        }
        if (generated.outcome() instanceof RolloutWorker.GroupsGenerated groups) {
            outstandingParts.remove(generated.partId());
            collected.addAll(groups.groups());
            if (outstandingParts.isEmpty()) {
                List<RolloutGroup> batch = List.copyOf(collected);
                long step = generated.step();
                getContext().ask(RewardScorer.ScoringOutcome.class, rewardScorer, settings.rolloutTimeout(),
                        replyTo -> new RewardScorer.ScoreGroups(step, batch, replyTo),
                        (outcome, failure) -> new BatchScored(step, outcome,
                                failure == null ? "" : "reward scorer did not answer: " + failure.getMessage()));
            }
        } else {
            String reason = generated.outcome() != null
                    ? ((RolloutWorker.GenerationFailed) generated.outcome()).reason() : generated.failure();
            getContext().getLog().warn("re-dispatching rollout part {}: {}", generated.partId(), reason);
            dispatch(generated.step(), generated.partId());
        }
        return this;
    }

    private Behavior<Command> onBatchScored(BatchScored scored) {
        if (scored.outcome() instanceof RewardScorer.GroupsScored groups) {
            List<PlanCursor> cursorsAfter = stepCursors;
            askLearner(scored.step(), replyTo -> new Learner.TrainGrpo(scored.step(), groups.groups(), cursorsAfter,
                    replyTo));
        } else {
            fail(scored.outcome() != null ? ((RewardScorer.ScoringFailed) scored.outcome()).reason() : scored.failure());
        }
        return this;
    }

    private void askLearner(long step, akka.japi.function.Function<ActorRef<Learner.StepOutcome>, Learner.Command> command) {
        getContext().ask(Learner.StepOutcome.class, learner, settings.learnerTimeout(), command,
                (outcome, failure) -> new StepReturned(step, outcome,
                        failure == null ? "" : "learner did not answer: " + failure.getMessage()));
    }

    private Behavior<Command> onStepReturned(StepReturned returned) {
        if (returned.outcome() instanceof Learner.StepTrained trained) {
            StepStats stats = trained.stats();
            update(new TrainingProgress.StepCompleted(new StepStats(stats.step(), stats.phase(), stats.weightVersion(),
                    stats.rewardMean(), stats.formatRate(), stats.taskRewardMean(), stats.loss(), stats.kl(),
                    stats.clipFraction(), stats.scoreStd(), stats.droppedGroups(),
                    (System.nanoTime() - stepStartedNanos) / 1e9)));
            nextStep();
        } else {
            fail(returned.outcome() != null ? ((Learner.StepFailed) returned.outcome()).reason() : returned.failure());
        }
        return this;
    }

    private Behavior<Command> onCheckpointWritten(CheckpointWritten written) {
        getContext().getLog().info("training finished at step {}; checkpoint {}", progress.step(), written.path());
        publish();
        return this;
    }

    private QualityTask taskOfStep(long step) {
        return settings.tasks().get((int) ((step - 1) % settings.tasks().size()));
    }

    private List<PromptRef> takePrompts(QualityTask task, int count) {
        EpochPlan.Taken taken = plans.get(task).take(count);
        plans.put(task, taken.next());
        return taken.prompts();
    }

    private void enter(TrainingPhase phase) {
        if (progress.phase() != phase) {
            update(new TrainingProgress.PhaseEntered(phase));
        }
    }

    private void fail(String reason) {
        getContext().getLog().error("training run failed: {}", reason);
        update(new TrainingProgress.RunFailed(reason));
    }

    private void update(TrainingProgress.Event event) {
        progress = progress.updated(event);
        publish();
    }

    private void publish() {
        subscribers.forEach(subscriber -> subscriber.tell(progress));
    }
}
