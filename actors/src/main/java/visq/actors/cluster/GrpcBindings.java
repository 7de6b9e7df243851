package visq.actors.cluster;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ServerBinding;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each actor system's gRPC endpoint ended up listening (port 0 picks a free port), so launchers
 * and tests can find it; unbinding happens with the system's coordinated shutdown.
 */
public final class GrpcBindings {
    private static final Map<String, CompletableFuture<ServerBinding>> BINDINGS = new ConcurrentHashMap<>();

    private GrpcBindings() {}

    static void record(ActorSystem<?> system, ServerBinding binding) {
        future(system).complete(binding);
        binding.addToCoordinatedShutdown(java.time.Duration.ofSeconds(10), system);
    }

    /** Completes with the binding once the node's router role has bound its endpoint. */
    public static CompletableFuture<ServerBinding> of(ActorSystem<?> system) {
        return future(system);
    }

    private static CompletableFuture<ServerBinding> future(ActorSystem<?> system) {
        return BINDINGS.computeIfAbsent(system.address().toString() + "@" + System.identityHashCode(system),
                key -> new CompletableFuture<>());
    }

    /** The binding, if it exists yet. */
    public static Optional<ServerBinding> now(ActorSystem<?> system) {
        CompletableFuture<ServerBinding> f = future(system);
        return f.isDone() ? Optional.of(f.join()) : Optional.empty();
    }
}
