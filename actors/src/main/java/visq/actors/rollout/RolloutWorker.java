package visq.actors.rollout;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.StatusReply;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import visq.actors.protocol.ClusterMessage;
import visq.actors.weights.WeightChunk;
import visq.actors.weights.WeightReceiver;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModel;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * A device-pinned worker that owns one policy model: it generates groups of responses for training
 * prompts and answers scoring prompts for the router. It runs on its own pinned dispatcher, so its
 * blocking DJL calls never touch Akka's default dispatcher. It keeps itself on the newest weight
 * version by reassembling chunks from the weight publisher, and tells every router which version it holds.
 * When its model throws while generating rollouts it answers that part and every deferred one as failed (the
 * coordinator re-dispatches them) and fails with {@link ModelFailed}: its supervisor restarts it with a fresh model
 * after a back-off (from {@code min-backoff}, doubling up to {@code max-backoff}; messages that arrive meanwhile wait
 * for the fresh model), up to {@code max-restarts} times in a row, then stops it. A worker that has not failed for
 * {@code restart-window} since its last restart starts counting again from zero.
 */
public final class RolloutWorker extends AbstractBehavior<RolloutWorker.Command> {

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "visq-rollout-workers");

    /** Messages the worker handles. */
    public sealed interface Command extends ClusterMessage {}

    /**
     * Sample {@code groupSize} responses for each prompt with {@code sampling}, seeded by {@code seed}, with
     * weights of at least {@code minimumVersion} and at most {@code maximumVersion}: a worker that holds an older
     * version defers the request until newer weights have arrived, and so does one that holds a version above the
     * maximum (weights a learner pushed after its last checkpoint before it died: the restarted learner's weights
     * replace them).
     */
    public record GenerateGroups(long batchId, List<PromptRef> prompts, List<Long> promptSeeds, int groupSize,
            SamplingSettings sampling, long minimumVersion, long maximumVersion,
            ActorRef<StatusReply<GroupsGenerated>> replyTo)
            implements Command {
        public GenerateGroups {
            prompts = List.copyOf(prompts);
            promptSeeds = List.copyOf(promptSeeds);
            if (prompts.size() != promptSeeds.size()) {
                throw new IllegalArgumentException(prompts.size() + " prompts but " + promptSeeds.size() + " seeds");
            }
            if (maximumVersion < minimumVersion) {
                throw new IllegalArgumentException("weight versions " + minimumVersion + ".." + maximumVersion);
            }
        }

        /** Whether weights of {@code version} may generate this request. */
        boolean accepts(long version) {
            return version >= minimumVersion && version <= maximumVersion;
        }
    }

    /** Answer one prompt over already preprocessed images (online scoring). */
    public record AnswerPrompt(String requestId, QualityTask task, List<ImageTensor> images, SamplingSettings sampling,
            long seed, ActorRef<AnswerOutcome> replyTo) implements Command {
        public AnswerPrompt {
            images = List.copyOf(images);
        }
    }

    /**
     * Answer several prompts in one batched decoding pass (a router's micro-batch), all with {@code sampling} and
     * {@code seed}. Each prompt keeps its own request id and reply: every one gets its own {@link Answered} or
     * {@link AnswerFailed}, exactly as if it had come alone as an {@link AnswerPrompt}.
     */
    public record AnswerPrompts(List<BatchedPrompt> prompts, SamplingSettings sampling, long seed) implements Command {
        public AnswerPrompts {
            prompts = List.copyOf(prompts);
            if (prompts.isEmpty()) {
                throw new IllegalArgumentException("a batch needs at least one prompt");
            }
        }
    }

    /** One request of an {@link AnswerPrompts} batch. */
    public record BatchedPrompt(String requestId, QualityTask task, List<ImageTensor> images,
            ActorRef<AnswerOutcome> replyTo) implements ClusterMessage {
        public BatchedPrompt {
            images = List.copyOf(images);
        }
    }

    private record ReceiveWeightChunk(WeightChunk chunk) implements Command {}

    private record RoutersListed(Receptionist.Listing listing) implements Command {}

    /**
     * Reply to {@link GenerateGroups}, as a {@link StatusReply#success}; a part the worker could not generate is
     * answered with a {@link StatusReply#error} that says why.
     */
    public record GroupsGenerated(long batchId, String workerId, List<RolloutGroup> groups, double seconds)
            implements ClusterMessage {
        public GroupsGenerated {
            groups = List.copyOf(groups);
        }
    }

    /** Reply to {@link AnswerPrompt} and to each prompt of {@link AnswerPrompts}. */
    public sealed interface AnswerOutcome extends ClusterMessage {
        String requestId();

        /** The answer; a failure is thrown as the exception {@code failure} makes of it. */
        <X extends RuntimeException> Answered answeredOrThrow(Function<AnswerFailed, X> failure);
    }

    public record Answered(String requestId, String text, long weightVersion, String workerId, String modelId)
            implements AnswerOutcome {
        @Override
        public <X extends RuntimeException> Answered answeredOrThrow(Function<AnswerFailed, X> failure) {
            return this;
        }
    }

    public record AnswerFailed(String requestId, FailureKind kind, String reason) implements AnswerOutcome {
        @Override
        public <X extends RuntimeException> Answered answeredOrThrow(Function<AnswerFailed, X> failure) {
            throw failure.apply(this);
        }
    }

    /** Why an answer failed, so the gRPC edge can choose the status code without reading the message. */
    public enum FailureKind {
        /** No worker can serve (none registered yet, or all gone). */
        NO_WORKER,
        /** No worker holds the weight version the request pinned. */
        PINNED_VERSION_UNAVAILABLE,
        /** The router is at its in-flight limit. */
        OVERLOADED,
        /** The worker did not answer in time. */
        TIMEOUT,
        /** The worker failed while answering. */
        WORKER_ERROR,
        /** The request pinned a weight version newer than any the cluster has produced: a client error. */
        PINNED_VERSION_NEVER_PRODUCED
    }

    /** Typed settings under {@code visq.rollout}: the node's devices (a worker each) and the restart back-off. */
    public record Settings(List<String> devices, int maxRestarts, Duration restartWindow, Duration minBackoff,
            Duration maxBackoff) {
        public Settings {
            devices = List.copyOf(devices);
            if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
                throw new IllegalArgumentException("visq.rollout back-off " + minBackoff + ".." + maxBackoff);
            }
        }

        public static Settings fromConfig(Config config) {
            // full paths, so that a bad value's error names its key
            return new Settings(config.getStringList("visq.rollout.devices"),
                    config.getInt("visq.rollout.max-restarts"), config.getDuration("visq.rollout.restart-window"),
                    config.getDuration("visq.rollout.min-backoff"), config.getDuration("visq.rollout.max-backoff"));
        }
    }

    /** Each back-off is stretched by a random 0 to 20 %, so that workers failing together do not restart together. */
    private static final double BACKOFF_JITTER = 0.2;

    /** The worker's model threw while generating: the worker is restarted with a fresh model. */
    static final class ModelFailed extends RuntimeException {
        ModelFailed(String workerId, RuntimeException cause) {
            super("the model of rollout worker " + workerId + " failed: " + describe(cause), cause);
        }
    }

    private final String workerId;
    private final PolicyModel model;
    private final PromptImages images;
    private final WeightReceiver weights;
    private final VersionListeners<?> versionListeners;
    /** The version listeners listed last; null until the receptionist has answered. */
    private Receptionist.Listing routers;
    private final List<GenerateGroups> deferred = new ArrayList<>();
    private final RolloutMetrics metrics;
    // the version whose chunks are arriving, and when its first came
    private long pushVersion = -1;
    private long pushStartedNanos;

    /**
     * @param workerId    a name unique in the cluster (node address and device)
     * @param modelFactory creates the worker's model on its device; called once, on the worker's own thread
     * @param versionListeners the routers, told whenever the worker's weight version changes
     */
    public static Behavior<Command> create(Settings settings, String workerId, Supplier<PolicyModel> modelFactory,
            PromptImages images, RolloutMetrics metrics, VersionListeners<?> versionListeners) {
        return Behaviors.supervise(Behaviors.<Command>setup(context -> new RolloutWorker(context, workerId,
                        modelFactory.get(), images, metrics, versionListeners)))
                .onFailure(ModelFailed.class, SupervisorStrategy
                        .restartWithBackoff(settings.minBackoff(), settings.maxBackoff(), BACKOFF_JITTER)
                        .withMaxRestarts(settings.maxRestarts())
                        .withResetBackoffAfter(settings.restartWindow()));
    }

    private RolloutWorker(ActorContext<Command> context, String workerId, PolicyModel model, PromptImages images,
            RolloutMetrics metrics, VersionListeners<?> versionListeners) {
        super(context);
        this.workerId = workerId;
        this.model = model;
        this.images = images;
        this.metrics = metrics;
        metrics.weightsHeld(model.weightVersion());
        metrics.liveArrays(model.liveArrayCount());
        this.versionListeners = versionListeners;
        this.weights = WeightReceiver.spawn("worker " + workerId, context, ReceiveWeightChunk::new,
                model.weightVersion(), model::importWeights);
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> routerAdapter =
                context.messageAdapter(Receptionist.Listing.class, RoutersListed::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(versionListeners.key(), routerAdapter));
        context.getLog().info("rollout worker {} ready on {} with {} at version {}", workerId, model.device(),
                model.modelId(), model.weightVersion());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GenerateGroups.class, this::onGenerateGroups)
                .onMessage(AnswerPrompt.class, this::onAnswerPrompt)
                .onMessage(AnswerPrompts.class, this::onAnswerPrompts)
                .onMessage(ReceiveWeightChunk.class, this::onWeightChunk)
                .onMessage(RoutersListed.class, this::onRoutersListed)
                .onSignal(PostStop.class, signal -> onStop())
                .onSignal(PreRestart.class, signal -> onStop())
                .build();
    }

    private Behavior<Command> onGenerateGroups(GenerateGroups request) {
        if (!request.accepts(model.weightVersion())) {
            deferred.add(request); // bounded: the coordinator has at most max-staleness + 1 steps in flight
            return this;
        }
        long started = System.nanoTime();
        try {
            List<RolloutGroup> groups = new ArrayList<>(request.prompts().size());
            for (int i = 0; i < request.prompts().size(); i++) {
                PromptRef prompt = request.prompts().get(i);
                var policyPrompt = PromptCatalogue.prompt(prompt.task(), List.of(images.imageOf(prompt.sampleId())));
                List<GeneratedResponse> responses = model.generate(policyPrompt, request.groupSize(),
                        request.sampling(), request.promptSeeds().get(i));
                groups.add(new RolloutGroup(prompt, model.weightVersion(), toRollouts(responses)));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            request.replyTo().tell(StatusReply.success(new GroupsGenerated(request.batchId(), workerId, groups,
                    seconds)));
            metrics.generated(groups, seconds);
            metrics.liveArrays(model.liveArrayCount());
            getContext().getLog().debug("worker {} generated part {} ({} prompts) at weight version {} in {} s",
                    workerId, request.batchId(), groups.size(), model.weightVersion(), seconds);
        } catch (RuntimeException e) {
            getContext().getLog().warn("worker {} failed part {} ({}); it restarts with a fresh model", workerId,
                    request.batchId(), describe(e));
            request.replyTo().tell(StatusReply.error(describe(e)));
            for (GenerateGroups waiting : deferred) { // a restart forgets them: send them elsewhere now
                waiting.replyTo().tell(StatusReply.error("worker restarting after its model failed: " + describe(e)));
            }
            deferred.clear();
            throw new ModelFailed(workerId, e);
        }
        return this;
    }

    private Behavior<Command> onAnswerPrompt(AnswerPrompt request) {
        try {
            var prompt = PromptCatalogue.prompt(request.task(), request.images());
            GeneratedResponse response = model.generate(prompt, 1, request.sampling(), request.seed()).get(0);
            request.replyTo().tell(new Answered(request.requestId(), response.text(), model.weightVersion(), workerId,
                    model.modelId()));
        } catch (RuntimeException e) {
            getContext().getLog().warn("worker {} failed request {}", workerId, request.requestId(), e);
            request.replyTo().tell(new AnswerFailed(request.requestId(), FailureKind.WORKER_ERROR, describe(e)));
        }
        return this;
    }

    private Behavior<Command> onAnswerPrompts(AnswerPrompts batch) {
        List<BatchedPrompt> accepted = new ArrayList<>(batch.prompts().size());
        List<PolicyPrompt> prompts = new ArrayList<>(batch.prompts().size());
        for (BatchedPrompt item : batch.prompts()) {
            try {
                prompts.add(PromptCatalogue.prompt(item.task(), item.images()));
                accepted.add(item);
            } catch (RuntimeException e) { // a bad prompt fails alone; the rest of the batch still runs
                item.replyTo().tell(new AnswerFailed(item.requestId(), FailureKind.WORKER_ERROR, describe(e)));
            }
        }
        if (accepted.isEmpty()) {
            return this;
        }
        try {
            List<GeneratedResponse> responses = model.answerAll(prompts, batch.sampling(), batch.seed());
            for (int i = 0; i < accepted.size(); i++) {
                BatchedPrompt item = accepted.get(i);
                item.replyTo().tell(new Answered(item.requestId(), responses.get(i).text(), model.weightVersion(),
                        workerId, model.modelId()));
            }
        } catch (RuntimeException e) {
            getContext().getLog().warn("worker {} failed a batch of {} requests", workerId, accepted.size(), e);
            for (BatchedPrompt item : accepted) {
                item.replyTo().tell(new AnswerFailed(item.requestId(), FailureKind.WORKER_ERROR, describe(e)));
            }
        }
        return this;
    }

    private Behavior<Command> onWeightChunk(ReceiveWeightChunk received) {
        metrics.chunkReceived(received.chunk().data().size());
        if (received.chunk().version() != pushVersion) {
            pushVersion = received.chunk().version();
            pushStartedNanos = System.nanoTime();
        }
        weights.receive(received.chunk()).ifPresent(version -> {
            metrics.weightsImported(System.nanoTime() - pushStartedNanos);
            metrics.liveArrays(model.liveArrayCount());
            announceVersion();
            runDeferred();
        });
        return this;
    }

    /** Runs the deferred requests the held version accepts, oldest first; the others stay deferred. */
    private void runDeferred() {
        Optional<GenerateGroups> next;
        while ((next = deferred.stream().filter(request -> request.accepts(model.weightVersion())).findFirst())
                .isPresent()) {
            deferred.remove(next.get()); // removed one at a time: if it fails, the rest are still here to answer
            onGenerateGroups(next.get());
        }
    }

    private Behavior<Command> onRoutersListed(RoutersListed listed) {
        routers = listed.listing();
        announceVersion();
        return this;
    }

    private void announceVersion() {
        metrics.weightsHeld(model.weightVersion());
        if (routers != null) {
            versionListeners.announce(routers, getContext().getSelf(), workerId, model.weightVersion());
        }
    }

    private Behavior<Command> onStop() {
        model.close();
        getContext().getLog().info("rollout worker {} stopped and released its model", workerId);
        return this;
    }

    private static List<Rollout> toRollouts(List<GeneratedResponse> responses) {
        List<Rollout> rollouts = new ArrayList<>(responses.size());
        for (GeneratedResponse response : responses) {
            List<Float> logProbs = new ArrayList<>(response.logProbs().length);
            for (float logProb : response.logProbs()) {
                logProbs.add(logProb);
            }
            rollouts.add(new Rollout(response.text(), TokenIds.of(response.tokenIds()), logProbs, response.finished()));
        }
        return rollouts;
    }

    private static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
