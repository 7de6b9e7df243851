package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import visq.deploy.node.NodeLauncher;

/** {@code visq serve}: a local one-JVM cluster serving the newest checkpoint, without training. */
public final class ServeCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("serve",
            "serve the newest checkpoint on a local cluster (gRPC on visq.grpc.host:port)", true,
            List.of(OptionSpec.text("--config", "local.conf|multi-node.conf")));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        Map<String, String> settings = line.settings();
        settings.putIfAbsent("visq.training.cold-start-steps", "0");
        settings.putIfAbsent("visq.training.grpo-steps", "0");
        settings.putIfAbsent("visq.learner.resume", "on");
        Config config = NodeLauncher.configure(line.value("--config", "local.conf"), settings, terminal.env());
        TrainingDataCheck.loadBeforeStart(config);
        ActorSystem<Void> system = NodeLauncher.start(config);
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }
}
