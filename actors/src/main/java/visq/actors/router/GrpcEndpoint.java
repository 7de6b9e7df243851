package visq.actors.router;

import akka.actor.typed.ActorSystem;
import akka.grpc.javadsl.ServiceHandler;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import akka.stream.Materializer;
import com.typesafe.config.Config;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.AdminService;
import visq.protocol.api.AdminServicePowerApiHandlerFactory;
import visq.protocol.api.ScoringService;
import visq.protocol.api.ScoringServicePowerApiHandlerFactory;

/** Binds the scoring and admin gRPC services on one HTTP/2 port. */
public final class GrpcEndpoint {

    /** Typed settings under {@code visq.grpc}; port 0 picks a free port. */
    public record Settings(String host, int port, String bearerToken, long maxRequestBytes, TlsSettings tls) {
        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.grpc");
            return new Settings(c.getString("host"), c.getInt("port"), c.getString("bearer-token"),
                    c.getBytes("max-request-size"), TlsSettings.fromConfig(config));
        }
    }

    /** Over-limit bodies are read and discarded up to this many times the limit, then the stream is reset. */
    private static final long DRAIN_FACTOR = 4;

    private GrpcEndpoint() {}

    /** Binds both services; with a bearer token configured, every call must carry it. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, Settings settings,
            ScoringService scoring, AdminService admin) {
        BearerTokenCheck check = new BearerTokenCheck(settings.bearerToken());
        @SuppressWarnings("unchecked")
        Function<HttpRequest, CompletionStage<HttpResponse>> handler = ServiceHandler.concatOrNotFound(
                ScoringServicePowerApiHandlerFactory.create(new AuthenticatedScoringService(check, scoring), system),
                AdminServicePowerApiHandlerFactory.create(new AuthenticatedAdminService(check, admin), system));
        // Streamed HTTP/2 bodies are not bounded by akka.http's max-content-length: bound every request here, so a
        // huge message is discarded while it streams instead of being buffered on the heap.
        Function<HttpRequest, CompletionStage<HttpResponse>> bounded = new RequestBodyLimit(settings.maxRequestBytes(),
                DRAIN_FACTOR * settings.maxRequestBytes(), Materializer.matFromSystem(system)).guard(handler);
        akka.http.javadsl.ServerBuilder server = Http.get(system).newServerAt(settings.host(), settings.port());
        Optional<javax.net.ssl.SSLContext> tls = settings.tls().serverContext();
        if (tls.isPresent()) {
            server = server.enableHttps(akka.http.javadsl.ConnectionContext.httpsServer(tls.get()));
        }
        return server.bind(bounded);
    }
}
