package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.util.List;
import visq.deploy.node.NodeLauncher;

/** {@code visq node}: one member of a multi-node cluster, with the roles and addresses its environment names. */
public final class NodeCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("node",
            "start one node of a multi-node cluster (VISQ_ROLES, VISQ_HOST, VISQ_PORT, VISQ_SEED, VISQ_DEVICES)", true,
            List.of(OptionSpec.text("--config", "multi-node.conf")));

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        Config config =
                NodeLauncher.configure(line.value("--config", "multi-node.conf"), line.settings(), terminal.env());
        TrainingDataCheck.loadBeforeStart(config);
        ActorSystem<Void> system = NodeLauncher.start(config);
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }
}
