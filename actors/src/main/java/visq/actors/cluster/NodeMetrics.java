package visq.actors.cluster;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The metrics of one node (one actor system): a Micrometer registry in Prometheus format, with the JVM's heap, GC,
 * threads, class loading, CPU and uptime bound to it, that the node's components record into, and that
 * {@link #serve} exposes as {@code GET /metrics} on {@code visq.metrics.host:port} (Prometheus text format 0.0.4, or
 * OpenMetrics when the scraper asks for it).
 */
public final class NodeMetrics implements Extension {
    private static final String OPENMETRICS = "application/openmetrics-text";
    private static final ContentType PROMETHEUS_TEXT =
            ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");
    private static final ContentType OPENMETRICS_TEXT =
            ContentTypes.parse("application/openmetrics-text; version=1.0.0; charset=utf-8");

    /** Typed settings under {@code visq.metrics}; port 0 picks a free port. */
    public record Settings(boolean enabled, String host, int port) {
        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.metrics");
            return new Settings(c.getBoolean("enabled"), c.getString("host"), c.getInt("port"));
        }
    }

    /** One per actor system. */
    public static final ExtensionId<NodeMetrics> ID = new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
            return new NodeMetrics(system);
        }
    };

    private final ActorSystem<?> system;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final CompletableFuture<ServerBinding> binding = new CompletableFuture<>();

    private NodeMetrics(ActorSystem<?> system) {
        this.system = system;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                "visq-metrics-close", () -> {
                    gc.close();
                    registry.close();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
    }

    public static NodeMetrics get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    /** Where the node's components record their metrics. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The registry's metrics now, in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** Completes with the binding of {@code /metrics} once {@link #serve} has bound it. */
    public CompletableFuture<ServerBinding> binding() {
        return binding;
    }

    /**
     * Serves {@code GET /metrics} as {@code settings} say (nothing when disabled); the port stays open until the
     * actor system terminates, so a shutdown can be watched to its end. A port that cannot be bound is logged and the
     * node runs on without metrics.
     */
    public void serve(Settings settings) {
        if (!settings.enabled()) {
            return;
        }
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("visq.dispatchers.blocking-io"));
        Http.get(system).newServerAt(settings.host(), settings.port())
                .bind((akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>>)
                        request -> respond(request, blocking))
                .whenComplete((bound, failure) -> {
                    if (failure != null) {
                        system.log().warn("metrics endpoint could not bind {}:{} ({}); the node runs without it",
                                settings.host(), settings.port(), failure.getMessage());
                        binding.completeExceptionally(failure);
                    } else {
                        system.log().info("metrics on http://{}/metrics", bound.localAddress());
                        CoordinatedShutdown.get(system).addTask(
                                CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "visq-metrics-unbind",
                                () -> bound.unbind().thenApply(done -> Done.getInstance()));
                        binding.complete(bound);
                    }
                });
    }

    private CompletionStage<HttpResponse> respond(HttpRequest request, Executor blocking) {
        if (!request.getUri().path().equals("/metrics")) {
            return CompletableFuture.completedFuture(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)
                    .withEntity("metrics are at /metrics"));
        }
        if (!request.method().equals(HttpMethods.GET)) {
            return CompletableFuture.completedFuture(HttpResponse.create()
                    .withStatus(StatusCodes.METHOD_NOT_ALLOWED).withEntity("/metrics answers GET"));
        }
        request.discardEntityBytes(system);
        boolean openMetrics = request.getHeader("Accept").map(accept -> accept.value().contains(OPENMETRICS))
                .orElse(false);
        // formatting every meter takes a few milliseconds: not on Akka's default dispatcher
        return CompletableFuture.supplyAsync(() -> openMetrics
                ? HttpResponse.create().withEntity(HttpEntities.create(OPENMETRICS_TEXT,
                        registry.scrape(OPENMETRICS).getBytes(StandardCharsets.UTF_8)))
                : HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT,
                        registry.scrape().getBytes(StandardCharsets.UTF_8))), blocking);
    }
}
