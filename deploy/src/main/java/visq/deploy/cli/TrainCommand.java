package visq.deploy.cli;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import akka.actor.typed.Props;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import visq.actors.learner.LearnerSettings;
import visq.actors.learner.TrainingPhase;
import visq.actors.router.GrpcEndpoint;
import visq.actors.coordinator.TrainingProgress;
import visq.deploy.node.NodeLauncher;

/** {@code visq train}: a local one-JVM cluster trains with a progress bar, writes its checkpoint, keeps serving. */
public final class TrainCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("train",
            "train on the configured datasets (the embedded default unless visq.data.datasets says otherwise), "
                    + "then keep serving",
            true, List.of(OptionSpec.flag("--exit-when-done"),
                    OptionSpec.text("--config", "local.conf|multi-node.conf")),
            "--exit-when-done  write the checkpoint and exit instead of serving",
            "example: visq train --set visq.training.grpo-steps=50 --set visq.training.group-size=8");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        Config config = NodeLauncher.configure(line.value("--config", "local.conf"), line.settings(), terminal.env());
        TrainingDataCheck.loadBeforeStart(config);
        ActorSystem<Void> system = NodeLauncher.start(config);
        CompletableFuture<TrainingProgress> finished = new CompletableFuture<>();
        system.systemActorOf(ProgressWatcher.create(new TrainingProgressBar(terminal.out(), terminal.interactive()),
                finished), "progress-watcher", Props.empty());
        TrainingProgress last = finished.get();
        terminal.out().println();
        if (last.phase() == TrainingPhase.FAILED) {
            terminal.err().println("training failed: " + last.failure());
            system.terminate();
            return 1;
        }
        terminal.out().printf(Locale.ROOT, "training done: %d steps, weight version %d, checkpoint in %s%n",
                last.step(), last.weightVersion(), LearnerSettings.fromConfig(config).checkpointDirectory());
        if (line.has("--exit-when-done")) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return 0;
        }
        GrpcEndpoint.Settings endpoint = GrpcEndpoint.Settings.fromConfig(config);
        terminal.out().printf(Locale.ROOT, "serving gRPC on %s:%d (score with: ./visq score --port %d IMAGE)%n",
                endpoint.host(), endpoint.port(), endpoint.port());
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }
}
