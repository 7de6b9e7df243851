package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import akka.grpc.javadsl.SingleResponseRequestBuilder;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;

/** The options of commands that talk to a running cluster over gRPC, and the client built from them. */
final class GrpcClientOptions {
    static final List<OptionSpec> OPTIONS = List.of(OptionSpec.text("--host", "H"), OptionSpec.integer("--port", "P"),
            OptionSpec.text("--token", "T"));
    static final String TOKEN_NOTE =
            "--token defaults to $VISQ_GRPC_TOKEN; needed when the cluster sets visq.grpc.bearer-token";

    private GrpcClientOptions() {}

    static ActorSystem<Void> clientSystem() {
        return ActorSystem.create(Behaviors.empty(), "visq-client",
                ConfigFactory.parseString("akka.actor.provider = local\nakka.loglevel = WARNING")
                        .withFallback(ConfigFactory.defaultReference()));
    }

    static GrpcClientSettings settings(CommandLine line, ActorSystem<?> system) {
        return GrpcClientSettings.connectToServiceAt(line.value("--host", "127.0.0.1"), line.intValue("--port", 8080),
                system)
                .withTls(false)
                .withDeadline(Duration.ofSeconds(60));
    }

    /** Adds "authorization: Bearer <token>" from --token or VISQ_GRPC_TOKEN, when one is given. */
    static <I, O> SingleResponseRequestBuilder<I, O> withToken(SingleResponseRequestBuilder<I, O> call,
            CommandLine line, Terminal terminal) {
        String token = line.value("--token", terminal.env().getOrDefault("VISQ_GRPC_TOKEN", ""));
        return token.isEmpty() ? call : call.addHeader("authorization", "Bearer " + token);
    }
}
