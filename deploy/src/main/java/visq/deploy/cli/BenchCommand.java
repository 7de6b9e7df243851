package visq.deploy.cli;

import java.util.List;
import visq.deploy.NodeLauncher;
import visq.deploy.bench.Benchmarks;

/** {@code visq bench}: throughput and latency, measured in one run. */
public final class BenchCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("bench", "throughput and latency, measured in one run", true,
            List.of(OptionSpec.text("--config", "local.conf"), OptionSpec.integer("--scoring-seconds", "S"),
                    OptionSpec.integer("--async-steps", "N"), OptionSpec.integer("--scaling-steps", "N"),
                    OptionSpec.choice("--only", "scoring", "load", "scaling"),
                    OptionSpec.integer("--load-seconds", "S"),
                    OptionSpec.number("--rate", "R")),
            "load: [--load-seconds 60] [--rate 15]  steady open-loop load, then overload; heap before/after",
            "scaling: [--scaling-steps 48]  GRPO samples/s with 1 vs 2 rollout nodes, each a separate JVM");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        Benchmarks bench = new Benchmarks(
                NodeLauncher.configure(line.value("--config", "local.conf"), line.settings(), terminal.env()),
                terminal.out());
        int scoringSeconds = line.intValue("--scoring-seconds", 20);
        switch (line.value("--only", "")) {
            case "scoring":
                bench.runScoring(scoringSeconds);
                break;
            case "load":
                bench.runLoad(line.intValue("--load-seconds", 60), line.doubleValue("--rate", 15));
                break;
            case "scaling":
                bench.runScaling(line.intValue("--scaling-steps", 48));
                break;
            default:
                bench.runAll(scoringSeconds, line.intValue("--async-steps", 16), line.intValue("--scaling-steps", 48));
        }
        return 0;
    }
}
