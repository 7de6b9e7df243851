package visq.actors.router;

import akka.actor.typed.ActorSystem;
import akka.grpc.javadsl.ServiceHandler;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import com.typesafe.config.Config;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.AdminService;
import visq.protocol.api.AdminServicePowerApiHandlerFactory;
import visq.protocol.api.ScoringService;
import visq.protocol.api.ScoringServicePowerApiHandlerFactory;

/** Binds the scoring and admin gRPC services on one HTTP/2 port. */
public final class GrpcEndpoint {

    /** Typed settings under {@code visq.grpc}; port 0 picks a free port. */
    public record Settings(String host, int port, String bearerToken) {
        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.grpc");
            return new Settings(c.getString("host"), c.getInt("port"), c.getString("bearer-token"));
        }
    }

    private GrpcEndpoint() {}

    /** Binds both services; with a bearer token configured, every call must carry it. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, Settings settings,
            ScoringService scoring, AdminService admin) {
        BearerTokenCheck check = new BearerTokenCheck(settings.bearerToken());
        @SuppressWarnings("unchecked")
        Function<HttpRequest, CompletionStage<HttpResponse>> handler = ServiceHandler.concatOrNotFound(
                ScoringServicePowerApiHandlerFactory.create(new AuthenticatedScoringService(check, scoring), system),
                AdminServicePowerApiHandlerFactory.create(new AuthenticatedAdminService(check, admin), system));
        return Http.get(system).newServerAt(settings.host(), settings.port()).bind(handler);
    }
}
