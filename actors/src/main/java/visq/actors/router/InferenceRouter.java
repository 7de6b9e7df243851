package visq.actors.router;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.coordinator.TrainingProgress;
import visq.actors.protocol.ClusterMessage;
import visq.actors.rollout.RolloutWorker;
import visq.actors.rollout.VersionListeners;
import visq.gpu.image.ImageTensor;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.QualityTask;

/**
 * Routes online scoring prompts to the workers that hold the newest weight version (or the version a
 * request pins), round-robin among them, idle ones first. Requests for the same version are collected into a
 * micro-batch for one worker until {@code max-batch-size} wait or {@code max-batch-wait} has passed, then sent as one
 * {@link RolloutWorker.AnswerPrompts} (a lone request as an {@link RolloutWorker.AnswerPrompt}); while the worker is
 * still answering an earlier batch the wait goes on (to an idle worker of that version if there is one), so the
 * requests that arrive meanwhile leave together as soon as it is done, or as soon as the batch is full. Every request
 * keeps its own reply, its own timeout and its place under the in-flight limit; one that times out before it was
 * sent is not sent. Workers announce their version whenever it changes; a worker
 * that leaves the receptionist listing stops receiving requests. A request nobody can serve, or one
 * that times out, is answered with a failure that says why; the router keeps serving. A pin beyond the newest
 * version the cluster has produced (the newest any worker announced, or the training coordinator's progress
 * reports) is refused as never produced, not as merely unavailable.
 */
public final class InferenceRouter extends AbstractBehavior<InferenceRouter.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "visq-inference-routers");

    /** Messages the router handles. */
    public sealed interface Command extends ClusterMessage {}

    /** Answer {@code task} over {@code images}; {@code pinnedVersion} 0 means the newest, a negative one is refused. */
    public record RoutePrompt(String requestId, QualityTask task, List<ImageTensor> images, long pinnedVersion,
            ActorRef<RolloutWorker.AnswerOutcome> replyTo) implements Command {
        public RoutePrompt {
            if (pinnedVersion < 0) {
                throw new IllegalArgumentException("pinned weight version " + pinnedVersion + " is negative");
            }
            images = List.copyOf(images);
        }
    }

    /** A worker tells which weight version it now holds. */
    public record WorkerVersionChanged(ActorRef<RolloutWorker.Command> worker, String workerId, long version)
            implements Command {}

    /** What a rollout worker needs to tell every router its weight version: the routers' key and the message. */
    public static VersionListeners<Command> versionListeners() {
        return new VersionListeners<>(KEY, WorkerVersionChanged::new);
    }

    /** Which versions the router can serve right now. */
    public record GetServingState(ActorRef<ServingState> replyTo) implements Command {}

    public record ServingState(long newestVersion, int workers, int inFlight) implements ClusterMessage {}

    /**
     * Tell {@code subscriber} the serving state now and again whenever the workers holding weights or the newest
     * version change (its {@code inFlight} is the count at that moment), until the subscriber stops.
     */
    public record SubscribeServingState(ActorRef<ServingState> subscriber) implements Command {}

    private record WorkersListed(Receptionist.Listing listing) implements Command {}

    private record CoordinatorsListed(Receptionist.Listing listing) implements Command {}

    private record ProgressReported(long weightVersion) implements Command {}

    private record WorkerAnswered(RolloutWorker.AnswerOutcome outcome) implements Command {}

    private record RequestTimedOut(long routingId) implements Command {}

    private record FlushBatch(long version) implements Command {}

    /**
     * Typed settings under {@code visq.router}. Requests for the same weight version are collected into one batch
     * for one worker until {@code maxBatchSize} are waiting or {@code maxBatchWait} has passed since the first;
     * {@code maxBatchSize} 1 sends every request alone at once.
     */
    public record Settings(Duration workerTimeout, int maxNewTokens, int maxInFlight, int maxBatchSize,
            Duration maxBatchWait, SamplingSettings sampling) {
        public Settings {
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException("visq.router.max-batch-size must be at least 1, got " + maxBatchSize);
            }
            if (sampling.maxNewTokens() != maxNewTokens) {
                throw new IllegalArgumentException("serving sampling allows " + sampling.maxNewTokens()
                        + " new tokens, visq.router.max-new-tokens says " + maxNewTokens);
            }
        }

        /** Greedy decoding, the serving default. */
        public Settings(Duration workerTimeout, int maxNewTokens, int maxInFlight, int maxBatchSize,
                Duration maxBatchWait) {
            this(workerTimeout, maxNewTokens, maxInFlight, maxBatchSize, maxBatchWait,
                    SamplingSettings.greedy(maxNewTokens));
        }

        /** No batching: every request goes alone, at once. */
        public Settings(Duration workerTimeout, int maxNewTokens, int maxInFlight) {
            this(workerTimeout, maxNewTokens, maxInFlight, 1, Duration.ZERO);
        }

        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.router");
            ServingSampling serving = ServingSampling.fromConfig(config);
            return new Settings(c.getDuration("worker-timeout"), serving.maxNewTokens(), c.getInt("max-in-flight"),
                    c.getInt("max-batch-size"), c.getDuration("max-batch-wait"), serving.sampling());
        }
    }

    private final Settings settings;
    private final TimerScheduler<Command> timers;
    private final ActorRef<RolloutWorker.AnswerOutcome> answers;
    private final Map<ActorRef<RolloutWorker.Command>, Long> workerVersions = new HashMap<>();
    private final InFlightRequests inFlight = new InFlightRequests();
    private final Map<Long, OpenBatch> openBatches = new HashMap<>();
    private final WorkerLoad load = new WorkerLoad();
    private final SamplingSettings sampling;
    private final ServingMetrics metrics;
    private final ServingStateSubscribers servingSubscribers = new ServingStateSubscribers();
    private final Set<ActorRef<TrainingCoordinator.Command>> coordinators = new HashSet<>();
    private final ActorRef<TrainingProgress> progressAdapter;
    /** The newest weight version the cluster is known to have produced; -1 while none is known. */
    private long newestProduced = -1;
    private long routingCounter;

    public static Behavior<Command> create(Settings settings) {
        return create(settings, ServingMetrics.none());
    }

    /** A router that records the size of every batch it sends and every request it refuses in {@code metrics}. */
    public static Behavior<Command> create(Settings settings, ServingMetrics metrics) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new InferenceRouter(context, timers, settings, metrics)));
    }

    private InferenceRouter(ActorContext<Command> context, TimerScheduler<Command> timers, Settings settings,
            ServingMetrics metrics) {
        super(context);
        this.settings = settings;
        this.metrics = metrics;
        this.timers = timers;
        this.sampling = settings.sampling();
        this.answers = context.messageAdapter(RolloutWorker.AnswerOutcome.class, WorkerAnswered::new);
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        // one adapter per message class: both listings come through it
        ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class,
                listing -> listing.isForKey(TrainingCoordinator.KEY)
                        ? new CoordinatorsListed(listing) : new WorkersListed(listing));
        context.getSystem().receptionist().tell(Receptionist.subscribe(RolloutWorker.KEY, adapter));
        context.getSystem().receptionist().tell(Receptionist.subscribe(TrainingCoordinator.KEY, adapter));
        this.progressAdapter = context.messageAdapter(TrainingProgress.class,
                progress -> new ProgressReported(progress.weightVersion()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RoutePrompt.class, this::onRoutePrompt)
                .onMessage(WorkerVersionChanged.class, this::onWorkerVersionChanged)
                .onMessage(GetServingState.class, this::onGetServingState)
                .onMessage(WorkersListed.class, this::onWorkersListed)
                .onMessage(CoordinatorsListed.class, this::onCoordinatorsListed)
                .onMessage(ProgressReported.class, this::onProgressReported)
                .onMessage(WorkerAnswered.class, this::onWorkerAnswered)
                .onMessage(RequestTimedOut.class, this::onRequestTimedOut)
                .onMessage(FlushBatch.class, this::onFlushBatch)
                .onMessage(SubscribeServingState.class, this::onSubscribeServingState)
                .onSignal(Terminated.class, this::onTerminated)
                .build();
    }

    private Behavior<Command> onRoutePrompt(RoutePrompt request) {
        if (inFlight.count() >= settings.maxInFlight()) {
            metrics.refused(ServingMetrics.ROUTER_IN_FLIGHT_LIMIT);
            request.replyTo().tell(new RolloutWorker.AnswerFailed(request.requestId(),
                    RolloutWorker.FailureKind.OVERLOADED, "router is at its limit of " + settings.maxInFlight()
                            + " requests in flight; retry later"));
            return this;
        }
        List<ActorRef<RolloutWorker.Command>> candidates =
                WorkerSelection.holdingVersion(workerVersions, request.pinnedVersion());
        Optional<RolloutWorker.AnswerFailed> refusal = WorkerSelection.refusal(request.requestId(),
                request.pinnedVersion(), newestProduced, workerVersions, candidates);
        if (refusal.isPresent()) {
            request.replyTo().tell(refusal.get());
            return this;
        }
        long version = workerVersions.get(candidates.get(0));
        long routingId = routingCounter++;
        inFlight.add(new InFlightRequests.Pending(routingId, request.requestId(), request.replyTo()));
        timers.startSingleTimer(timeoutKey(routingId), new RequestTimedOut(routingId), settings.workerTimeout());

        OpenBatch batch = openBatches.get(version);
        if (batch == null || !candidates.contains(batch.worker)) {
            if (batch != null) {
                send(version); // its worker left or moved on: do not hold its requests back
            }
            batch = new OpenBatch(load.next(candidates));
            openBatches.put(version, batch);
            if (settings.maxBatchSize() > 1) {
                timers.startSingleTimer(flushKey(version), new FlushBatch(version), settings.maxBatchWait());
            }
        }
        batch.prompts.add(new RolloutWorker.BatchedPrompt(request.requestId(), request.task(), request.images(),
                answers));
        batch.routingIds.add(routingId);
        if (batch.prompts.size() >= settings.maxBatchSize()) {
            send(version);
        }
        return this;
    }

    /**
     * The wait is over: the batch goes now if its worker is idle, or to an idle worker of the same version; when
     * every such worker is busy it is held until one of them has answered everything sent to it
     * ({@link #requestDone}), or until it is full.
     */
    private Behavior<Command> onFlushBatch(FlushBatch flush) {
        OpenBatch batch = openBatches.get(flush.version());
        if (batch == null || load.isIdle(batch.worker)) {
            send(flush.version());
            return this;
        }
        workerVersions.entrySet().stream()
                .filter(entry -> entry.getValue() == flush.version() && load.isIdle(entry.getKey()))
                .map(Map.Entry::getKey)
                .findFirst()
                .ifPresentOrElse(idle -> {
                    batch.worker = idle;
                    send(flush.version());
                }, () -> batch.held = true);
        return this;
    }

    /**
     * The request of {@code routingId} needs its worker no more (answered, or timed out): when that was the worker's
     * last unanswered request, the batch collected for it goes now, or else a held batch of its version.
     */
    private void requestDone(long routingId) {
        load.done(routingId).ifPresent(this::workerIdle);
    }

    /** {@code worker} has answered everything sent to it: the batch for it, or a held one of its version, goes. */
    private void workerIdle(ActorRef<RolloutWorker.Command> worker) {
        Long version = workerVersions.get(worker);
        openBatches.entrySet().stream()
                .filter(entry -> entry.getValue().worker.equals(worker)
                        || (entry.getValue().held && entry.getKey().equals(version)))
                .map(Map.Entry::getKey)
                .findFirst()
                .ifPresent(ready -> {
                    openBatches.get(ready).worker = worker;
                    send(ready);
                });
    }

    /** Sends the open batch of {@code version}, if any: one prompt as an AnswerPrompt, more as one AnswerPrompts. */
    private void send(long version) {
        OpenBatch batch = openBatches.remove(version);
        timers.cancel(flushKey(version));
        if (batch == null) {
            return;
        }
        List<RolloutWorker.BatchedPrompt> prompts = batch.prompts;
        metrics.batchSent(prompts.size());
        load.sent(batch.worker, batch.routingIds);
        if (prompts.size() == 1) {
            RolloutWorker.BatchedPrompt only = prompts.get(0);
            batch.worker.tell(new RolloutWorker.AnswerPrompt(only.requestId(), only.task(), only.images(), sampling,
                    0L, only.replyTo()));
        } else {
            batch.worker.tell(new RolloutWorker.AnswerPrompts(List.copyOf(prompts), sampling, 0L));
        }
    }

    private Behavior<Command> onWorkerAnswered(WorkerAnswered answered) {
        InFlightRequests.Pending request = inFlight.take(answered.outcome().requestId());
        if (request != null) { // null: it timed out already and was answered then; late answers are dropped
            timers.cancel(timeoutKey(request.routingId()));
            request.replyTo().tell(answered.outcome());
            requestDone(request.routingId());
        }
        return this;
    }

    private Behavior<Command> onRequestTimedOut(RequestTimedOut timedOut) {
        InFlightRequests.Pending request = inFlight.takeRouting(timedOut.routingId());
        if (request != null) {
            request.replyTo().tell(new RolloutWorker.AnswerFailed(request.requestId(), RolloutWorker.FailureKind.TIMEOUT,
                    "worker did not answer within " + settings.workerTimeout().toMillis() + " ms"));
            withdrawUnsent(timedOut.routingId());
            requestDone(timedOut.routingId());
        }
        return this;
    }

    /** Takes the request of {@code routingId} out of the batch it waits in, if it was not sent yet. */
    private void withdrawUnsent(long routingId) {
        for (Map.Entry<Long, OpenBatch> open : openBatches.entrySet()) {
            OpenBatch batch = open.getValue();
            int at = batch.routingIds.indexOf(routingId);
            if (at >= 0) {
                batch.routingIds.remove(at);
                batch.prompts.remove(at);
                if (batch.prompts.isEmpty()) { // the next request starts a batch with a wait of its own
                    openBatches.remove(open.getKey());
                    timers.cancel(flushKey(open.getKey()));
                }
                return;
            }
        }
    }

    private static String timeoutKey(long routingId) {
        return "timeout-" + routingId;
    }

    private static String flushKey(long version) {
        return "flush-" + version;
    }

    private Behavior<Command> onWorkerVersionChanged(WorkerVersionChanged changed) {
        workerVersions.put(changed.worker(), changed.version());
        newestProduced = Math.max(newestProduced, changed.version());
        announceServingState();
        return this;
    }

    private Behavior<Command> onWorkersListed(WorkersListed listed) {
        Set<ActorRef<RolloutWorker.Command>> present = listed.listing().getServiceInstances(RolloutWorker.KEY);
        workerVersions.keySet().retainAll(present);
        load.retainWorkers(present); // a worker that left is not waited for
        announceServingState();
        return this;
    }

    /** Follows the progress of every training coordinator listed, for the newest version it has produced. */
    private Behavior<Command> onCoordinatorsListed(CoordinatorsListed listed) {
        Set<ActorRef<TrainingCoordinator.Command>> present =
                listed.listing().getServiceInstances(TrainingCoordinator.KEY);
        for (ActorRef<TrainingCoordinator.Command> coordinator : present) {
            if (coordinators.add(coordinator)) {
                coordinator.tell(new TrainingCoordinator.SubscribeProgress(progressAdapter));
            }
        }
        coordinators.retainAll(present);
        return this;
    }

    private Behavior<Command> onProgressReported(ProgressReported progress) {
        newestProduced = Math.max(newestProduced, progress.weightVersion());
        return this;
    }

    private Behavior<Command> onGetServingState(GetServingState request) {
        request.replyTo().tell(servingState());
        return this;
    }

    private Behavior<Command> onSubscribeServingState(SubscribeServingState subscribe) {
        getContext().watch(subscribe.subscriber());
        servingSubscribers.add(subscribe.subscriber(), servingState());
        return this;
    }

    private Behavior<Command> onTerminated(Terminated terminated) {
        servingSubscribers.remove(terminated.getRef());
        return this;
    }

    private ServingState servingState() {
        long newest = workerVersions.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        return new ServingState(newest, workerVersions.size(), inFlight.count());
    }

    private void announceServingState() {
        servingSubscribers.announceIfChanged(servingState());
    }
}
