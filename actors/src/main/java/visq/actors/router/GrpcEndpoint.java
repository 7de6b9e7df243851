package visq.actors.router;

import akka.actor.typed.ActorSystem;
import akka.grpc.ServiceDescription;
import akka.grpc.Trailers;
import akka.grpc.javadsl.GrpcExceptionHandler;
import akka.grpc.javadsl.ServiceHandler;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.japi.function.Function;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.AdminService;
import visq.protocol.api.AdminServicePowerApiHandlerFactory;
import visq.protocol.api.ScoringService;
import visq.protocol.api.ScoringServicePowerApiHandlerFactory;
import visq.protocol.health.Health;
import visq.protocol.health.HealthHandlerFactory;
import visq.protocol.reflection.ServerReflectionHandlerFactory;

/**
 * Binds the gRPC services of a router node on one HTTP/2 port: the scoring and admin APIs, the standard health
 * service ({@code grpc.health.v1.Health}) and server reflection in versions v1 and v1alpha (so grpcurl, Postman and
 * gateways work without the .proto files).
 *
 * <p>With a bearer token configured, the scoring and admin APIs and reflection require it (or one of the additional
 * tokens accepted while clients rotate to a new one); the health service does not (load balancers and Kubernetes
 * probes send no credentials, and it tells only whether the node serves). Unary
 * requests are bounded by {@code visq.grpc.max-request-size} before a service sees them; a reflection stream, whose
 * requests arrive one by one while it stays open, is bounded in total by the same size as it streams.
 */
public final class GrpcEndpoint {
    private static final List<String> REFLECTION_PATHS = List.of(
            "/" + visq.protocol.reflection.ServerReflection.name + "/",
            "/" + grpc.reflection.v1alpha.reflection.ServerReflection.name() + "/");

    /**
     * Typed settings under {@code visq.grpc}; port 0 picks a free port. {@code shutdownGrace}: how long the health
     * service reports NOT_SERVING before the port closes in a coordinated shutdown. {@code additionalBearerTokens}:
     * tokens accepted besides {@code bearerToken} while clients move to a new one (blank entries, from an unset
     * environment variable, are dropped).
     */
    public record Settings(String host, int port, String bearerToken, List<String> additionalBearerTokens,
            long maxRequestBytes, TlsSettings tls, Duration shutdownGrace) {
        public Settings {
            additionalBearerTokens = additionalBearerTokens.stream().map(String::strip).filter(t -> !t.isEmpty())
                    .toList();
            if (bearerToken.isEmpty() && !additionalBearerTokens.isEmpty()) {
                throw new IllegalArgumentException("visq.grpc.additional-bearer-tokens is set but "
                        + "visq.grpc.bearer-token is empty: set the token clients should move to as bearer-token");
            }
        }

        /** A single bearer token ({@code bearerToken}; empty: none), no additional ones. */
        public Settings(String host, int port, String bearerToken, long maxRequestBytes, TlsSettings tls,
                Duration shutdownGrace) {
            this(host, port, bearerToken, List.of(), maxRequestBytes, tls, shutdownGrace);
        }

        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.grpc");
            Duration grace = c.getDuration("health.shutdown-grace");
            String phaseTimeout = "akka.coordinated-shutdown.phases.before-service-unbind.timeout";
            Duration phase = config.getDuration(config.hasPath(phaseTimeout) ? phaseTimeout
                    : "akka.coordinated-shutdown.default-phase-timeout");
            if (grace.compareTo(phase) >= 0) {
                throw new IllegalArgumentException("visq.grpc.health.shutdown-grace " + grace + " must be shorter "
                        + "than akka.coordinated-shutdown.phases.before-service-unbind.timeout " + phase);
            }
            return new Settings(c.getString("host"), c.getInt("port"), c.getString("bearer-token"),
                    c.getStringList("additional-bearer-tokens"), c.getBytes("max-request-size"), TlsSettings.fromConfig(config), grace);
        }
    }

    /** Over-limit bodies are read and discarded up to this many times the limit, then the stream is reset. */
    private static final long DRAIN_FACTOR = 4;

    private GrpcEndpoint() {}

    /** The services reflection describes, besides itself. */
    public static List<ServiceDescription> describedServices() {
        return List.of(ScoringService.description, AdminService.description, Health.description);
    }

    /**
     * Binds every service; with a bearer token configured, every call but health checks must carry it. Every request
     * of the scoring and admin APIs is recorded in {@code metrics}, and so is each refused as too large.
     */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, Settings settings,
            ScoringService scoring, AdminService admin, Health health, ServingMetrics metrics) {
        BearerTokenCheck check = new BearerTokenCheck(settings.bearerToken(), settings.additionalBearerTokens());
        @SuppressWarnings("unchecked")
        Function<HttpRequest, CompletionStage<HttpResponse>> services = ServiceHandler.concatOrNotFound(
                ScoringServicePowerApiHandlerFactory.create(
                        new MeteredScoringService(new AuthenticatedScoringService(check, scoring), metrics), system),
                AdminServicePowerApiHandlerFactory.create(
                        new MeteredAdminService(new AuthenticatedAdminService(check, admin), metrics), system),
                HealthHandlerFactory.create(health, system));
        // Streamed HTTP/2 bodies are not bounded by akka.http's max-content-length: bound every request here, so a
        // huge message is discarded while it streams instead of being buffered on the heap.
        Function<HttpRequest, CompletionStage<HttpResponse>> bounded = new RequestBodyLimit(settings.maxRequestBytes(),
                DRAIN_FACTOR * settings.maxRequestBytes(), Materializer.matFromSystem(system),
                () -> metrics.refused(ServingMetrics.REQUEST_TOO_LARGE)).guard(services);
        Function<HttpRequest, CompletionStage<HttpResponse>> reflection = reflection(system, check,
                settings.maxRequestBytes());
        Function<HttpRequest, CompletionStage<HttpResponse>> handler = request -> isReflection(request)
                ? reflection.apply(request)
                : bounded.apply(request);
        akka.http.javadsl.ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port());
        Optional<javax.net.ssl.SSLContext> tls = settings.tls().serverContext();
        if (tls.isPresent()) {
            server = server.enableHttps(akka.http.javadsl.ConnectionContext.httpsServer(tls.get()));
        }
        return server.bind(handler);
    }

    /** Reflection v1 (ours) and v1alpha (Akka gRPC's), behind the bearer token and a streaming size bound. */
    private static Function<HttpRequest, CompletionStage<HttpResponse>> reflection(ActorSystem<?> system,
            BearerTokenCheck check, long maxBytes) {
        List<ServiceDescription> described = describedServices();
        DescriptorReflection v1 = new DescriptorReflection(described, Map.of(
                grpc.reflection.v1alpha.reflection.ServerReflection.name(),
                grpc.reflection.v1alpha.reflection.ReflectionProto.javaDescriptor()));
        List<ServiceDescription> describedWithV1 = new java.util.ArrayList<>(described);
        describedWithV1.add(visq.protocol.reflection.ServerReflection.description);
        @SuppressWarnings("unchecked")
        Function<HttpRequest, CompletionStage<HttpResponse>> both = ServiceHandler.concatOrNotFound(
                ServerReflectionHandlerFactory.create(v1, tooLargeIsResourceExhausted(maxBytes), system),
                akka.grpc.javadsl.ServerReflection.create(describedWithV1, system));
        return request -> {
            Optional<String> authorization = request.getHeader("authorization").map(HttpHeader::value);
            Optional<String> refused = check.failure(authorization).map(e -> e.status().getDescription());
            if (refused.isPresent()) {
                return CompletableFuture.completedFuture(
                        GrpcStatusResponse.of(Status.Code.UNAUTHENTICATED, refused.get()));
            }
            return both.apply(request.withEntity((RequestEntity) request.entity().withSizeLimit(maxBytes)));
        };
    }

    /** Akka gRPC's error mapping, except that a stream over the size bound is RESOURCE_EXHAUSTED naming the bound. */
    private static akka.japi.Function<akka.actor.ActorSystem, akka.japi.Function<Throwable, Trailers>>
            tooLargeIsResourceExhausted(long maxBytes) {
        var standard = GrpcExceptionHandler.defaultMapper();
        return system -> failure -> {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof EntityStreamSizeException) {
                    return new Trailers(Status.RESOURCE_EXHAUSTED.withDescription(
                            "reflection stream passed the limit of " + maxBytes + " bytes"));
                }
            }
            return standard.apply(system).apply(failure);
        };
    }

    private static boolean isReflection(HttpRequest request) {
        String path = request.getUri().path();
        return REFLECTION_PATHS.stream().anyMatch(path::startsWith);
    }
}
