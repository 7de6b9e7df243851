package visq.actors.router;

import akka.Done;
import akka.NotUsed;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcServiceException;
import akka.japi.Pair;
import akka.pattern.Patterns;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import visq.protocol.api.AdminService;
import visq.protocol.api.ScoringService;
import visq.protocol.health.Health;
import visq.protocol.health.HealthCheckRequest;
import visq.protocol.health.HealthCheckResponse;
import visq.protocol.health.HealthCheckResponse.ServingStatus;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}) of a router node, for load balancers and
 * Kubernetes gRPC probes (which send no credentials, so it is not behind the bearer token).
 *
 * <p>Per service name, as the health protocol defines them: {@code ""} (the server as a whole) and
 * {@code visq.api.v1.ScoringService} are NOT_SERVING until the router knows a rollout worker that holds weights,
 * SERVING while it does; {@code visq.api.v1.AdminService} and {@code grpc.health.v1.Health} are SERVING; every
 * name is NOT_SERVING from the start of a coordinated shutdown. {@code Check} of any other name is NOT_FOUND;
 * {@code Watch} of it streams SERVICE_UNKNOWN. {@code Watch} sends the status at once and then each change; when the
 * node starts shutting down it sends NOT_SERVING and ends (a Watch opened after that gets NOT_SERVING and ends).
 */
public final class ServingHealth implements Health {
    /** The name that stands for the server as a whole. */
    public static final String SERVER = "";
    /** Per watcher: only the newest statuses matter, so a slow watcher loses the older ones. */
    private static final int WATCH_BUFFER = 4;

    /** What the statuses are computed from. */
    private record State(int workersHoldingWeights, boolean shuttingDown, boolean closed) {}

    /** An open Watch stream: the service it watches and the status it was sent last. */
    private static final class Watcher {
        final String service;
        final SourceQueueWithComplete<HealthCheckResponse> queue;
        ServingStatus sent;

        Watcher(String service, SourceQueueWithComplete<HealthCheckResponse> queue) {
            this.service = service;
            this.queue = queue;
        }
    }

    private final Materializer materializer;
    private final Object lock = new Object();
    private State state = new State(0, false, false); // guarded by lock
    private final List<Watcher> watchers = new ArrayList<>(); // guarded by lock

    public ServingHealth(Materializer materializer) {
        this.materializer = materializer;
    }

    /** The status of {@code service} now, or SERVICE_UNKNOWN for a name this server does not serve. */
    public ServingStatus status(String service) {
        synchronized (lock) {
            return statusOf(service, state);
        }
    }

    /** Every service name this server reports, with its status now. */
    public Map<String, ServingStatus> statuses() {
        Map<String, ServingStatus> all = new TreeMap<>();
        synchronized (lock) {
            for (String service : List.of(SERVER, ScoringService.name, AdminService.name, Health.name)) {
                all.put(service, statusOf(service, state));
            }
        }
        return all;
    }

    @Override
    public CompletionStage<HealthCheckResponse> check(HealthCheckRequest request) {
        ServingStatus status = status(request.getService());
        if (status == ServingStatus.SERVICE_UNKNOWN) {
            return CompletableFuture.failedFuture(new GrpcServiceException(Status.NOT_FOUND.withDescription(
                    "unknown service '" + request.getService() + "': this server reports '"
                            + String.join("', '", statuses().keySet()) + "' ('' is the server as a whole)")));
        }
        return CompletableFuture.completedFuture(response(status));
    }

    @Override
    public Source<HealthCheckResponse, NotUsed> watch(HealthCheckRequest request) {
        Pair<SourceQueueWithComplete<HealthCheckResponse>, Source<HealthCheckResponse, NotUsed>> stream =
                Source.<HealthCheckResponse>queue(WATCH_BUFFER, OverflowStrategy.dropHead(), WATCH_BUFFER + 1)
                        .preMaterialize(materializer);
        Watcher watcher = new Watcher(request.getService(), stream.first());
        synchronized (lock) {
            send(watcher);
            if (state.closed()) {
                watcher.queue.complete();
            } else {
                watchers.add(watcher);
            }
        }
        watcher.queue.watchCompletion().whenComplete((done, failure) -> {
            synchronized (lock) {
                watchers.remove(watcher);
            }
        });
        return stream.second();
    }

    /** The router now knows {@code count} workers that hold weights. */
    public void workersHoldingWeights(int count) {
        update(now -> new State(count, now.shuttingDown(), now.closed()));
    }

    /** Everything is NOT_SERVING from now on (requests already admitted still finish). */
    public void shuttingDown() {
        update(now -> new State(now.workersHoldingWeights(), true, now.closed()));
    }

    /**
     * Ends every Watch stream (after its last status) and every one opened later after its first; completes when
     * the open ones have ended.
     */
    public CompletionStage<Done> closeWatches() {
        List<CompletableFuture<Done>> ended = new ArrayList<>();
        synchronized (lock) {
            state = new State(state.workersHoldingWeights(), true, true);
            for (Watcher watcher : watchers) {
                watcher.queue.complete();
                ended.add(watcher.queue.watchCompletion().toCompletableFuture());
            }
            watchers.clear();
        }
        return CompletableFuture.allOf(ended.toArray(new CompletableFuture<?>[0]))
                .handle((ignored, failure) -> Done.getInstance());
    }

    /**
     * Reports NOT_SERVING when {@code system}'s coordinated shutdown starts (phase before-service-unbind) and ends the
     * Watch streams after that last status, then keeps the port open for {@code grace}: load balancers and probes see
     * NOT_SERVING, and the ends of the streams reach their clients, before the endpoint unbinds and closes its
     * connections (with no grace a watcher may see the connection close instead).
     */
    public void addToCoordinatedShutdown(ActorSystem<?> system, Duration grace) {
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                "visq-health-not-serving", () -> {
                    shuttingDown();
                    return closeWatches().thenCompose(ended -> Patterns.after(grace,
                            system.classicSystem().scheduler(), system.executionContext(),
                            () -> CompletableFuture.completedFuture(Done.getInstance())));
                });
    }

    /** Feeds the router's serving state (see {@link InferenceRouter.SubscribeServingState}) into {@code health}. */
    public static Behavior<InferenceRouter.ServingState> feed(ServingHealth health) {
        return Behaviors.receive(InferenceRouter.ServingState.class)
                .onMessage(InferenceRouter.ServingState.class, serving -> {
                    health.workersHoldingWeights(serving.workers());
                    return Behaviors.same();
                })
                .build();
    }

    private void update(UnaryOperator<State> change) {
        synchronized (lock) {
            state = change.apply(state);
            watchers.forEach(this::send);
        }
    }

    /** Sends {@code watcher} its status when it changed since the last one it was sent. Called holding the lock. */
    private void send(Watcher watcher) {
        ServingStatus now = statusOf(watcher.service, state);
        if (now != watcher.sent) {
            watcher.sent = now;
            watcher.queue.offer(response(now));
        }
    }

    private static ServingStatus statusOf(String service, State state) {
        boolean scoring = service.equals(SERVER) || service.equals(ScoringService.name);
        if (!scoring && !service.equals(AdminService.name) && !service.equals(Health.name)) {
            return ServingStatus.SERVICE_UNKNOWN;
        }
        if (state.shuttingDown()) {
            return ServingStatus.NOT_SERVING;
        }
        return !scoring || state.workersHoldingWeights() > 0 ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    private static HealthCheckResponse response(ServingStatus status) {
        return HealthCheckResponse.newBuilder().setStatus(status).build();
    }
}
