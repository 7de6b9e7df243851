package visq.actors.router;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import visq.actors.cluster.ClusterMessage;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.SamplingSettings;
import visq.gpu.tasks.QualityTask;

/**
 * Routes online scoring prompts to the workers that hold the newest weight version (or the version a
 * request pins), round-robin among them. Workers announce their version whenever it changes; a worker
 * that leaves the receptionist listing stops receiving requests. A request nobody can serve, or one
 * that times out, is answered with a failure that says why; the router keeps serving.
 */
public final class InferenceRouter extends AbstractBehavior<InferenceRouter.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "visq-inference-routers");

    /** Messages the router handles. */
    public sealed interface Command extends ClusterMessage {}

    /** Answer {@code task} over {@code images}; {@code pinnedVersion} 0 means the newest. */
    public record RoutePrompt(String requestId, QualityTask task, List<ImageTensor> images, long pinnedVersion,
            ActorRef<RolloutWorker.AnswerOutcome> replyTo) implements Command {
        public RoutePrompt {
            images = List.copyOf(images);
        }
    }

    /** A worker tells which weight version it now holds. */
    public record WorkerVersionChanged(ActorRef<RolloutWorker.Command> worker, String workerId, long version)
            implements Command {}

    /** Which versions the router can serve right now. */
    public record GetServingState(ActorRef<ServingState> replyTo) implements Command {}

    public record ServingState(long newestVersion, int workers, int inFlight) implements ClusterMessage {}

    private record WorkersListed(Receptionist.Listing listing) implements Command {}

    private record WorkerAnswered(RolloutWorker.AnswerOutcome outcome, ActorRef<RolloutWorker.AnswerOutcome> replyTo)
            implements Command {}

    /** Typed settings under {@code visq.router}. */
    public record Settings(Duration workerTimeout, int maxNewTokens, int maxInFlight) {
        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.router");
            return new Settings(c.getDuration("worker-timeout"), c.getInt("max-new-tokens"), c.getInt("max-in-flight"));
        }
    }

    private final Settings settings;
    private final Map<ActorRef<RolloutWorker.Command>, Long> workerVersions = new HashMap<>();
    private long requestCounter;
    private int inFlight;

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(context -> new InferenceRouter(context, settings));
    }

    private InferenceRouter(ActorContext<Command> context, Settings settings) {
        super(context);
        this.settings = settings;
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, WorkersListed::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(RolloutWorker.KEY, adapter));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RoutePrompt.class, this::onRoutePrompt)
                .onMessage(WorkerVersionChanged.class, this::onWorkerVersionChanged)
                .onMessage(GetServingState.class, this::onGetServingState)
                .onMessage(WorkersListed.class, this::onWorkersListed)
                .onMessage(WorkerAnswered.class, this::onWorkerAnswered)
                .build();
    }

    private Behavior<Command> onRoutePrompt(RoutePrompt request) {
        if (inFlight >= settings.maxInFlight()) {
            request.replyTo().tell(new RolloutWorker.AnswerFailed(request.requestId(),
                    RolloutWorker.FailureKind.OVERLOADED, "router is at its limit of " + settings.maxInFlight()
                            + " requests in flight; retry later"));
            return this;
        }
        List<ActorRef<RolloutWorker.Command>> candidates =
                WorkerSelection.holdingVersion(workerVersions, request.pinnedVersion());
        if (candidates.isEmpty()) {
            boolean pinned = request.pinnedVersion() > 0 && !workerVersions.isEmpty();
            String reason = pinned
                    ? "no worker holds pinned weight version " + request.pinnedVersion() + " (workers hold "
                            + WorkerSelection.versionsHeld(workerVersions) + ")"
                    : "no rollout worker is available to score";
            request.replyTo().tell(new RolloutWorker.AnswerFailed(request.requestId(),
                    pinned ? RolloutWorker.FailureKind.PINNED_VERSION_UNAVAILABLE : RolloutWorker.FailureKind.NO_WORKER,
                    reason));
            return this;
        }
        ActorRef<RolloutWorker.Command> worker = candidates.get((int) (requestCounter++ % candidates.size()));
        inFlight++;
        SamplingSettings greedy = SamplingSettings.greedy(settings.maxNewTokens());
        getContext().ask(RolloutWorker.AnswerOutcome.class, worker, settings.workerTimeout(),
                replyTo -> new RolloutWorker.AnswerPrompt(request.requestId(), request.task(), request.images(),
                        greedy, 0L, replyTo),
                (outcome, failure) -> new WorkerAnswered(outcome != null ? outcome
                        : new RolloutWorker.AnswerFailed(request.requestId(), RolloutWorker.FailureKind.TIMEOUT,
                                "worker did not answer within " + settings.workerTimeout().toMillis() + " ms"),
                        request.replyTo()));
        return this;
    }

    private Behavior<Command> onWorkerAnswered(WorkerAnswered answered) {
        inFlight--;
        answered.replyTo().tell(answered.outcome());
        return this;
    }

    private Behavior<Command> onWorkerVersionChanged(WorkerVersionChanged changed) {
        workerVersions.put(changed.worker(), changed.version());
        return this;
    }

    private Behavior<Command> onWorkersListed(WorkersListed listed) {
        Set<ActorRef<RolloutWorker.Command>> present = listed.listing().getServiceInstances(RolloutWorker.KEY);
        workerVersions.keySet().retainAll(present);
        return this;
    }

    private Behavior<Command> onGetServingState(GetServingState request) {
        long newest = workerVersions.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        request.replyTo().tell(new ServingState(newest, workerVersions.size(), inFlight));
        return this;
    }
}
