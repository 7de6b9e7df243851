package visq.deploy.cli;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import visq.actors.cluster.DataDirectories;
import visq.deploy.node.NodeLauncher;
import visq.deploy.bench.BenchSummary;
import visq.deploy.bench.Benchmarks;
import visq.deploy.bench.ModelBench;
import visq.deploy.bench.ModelCheckpointOption;
import visq.deploy.bench.PreparationBench;
import visq.deploy.bench.SoakBench;
import visq.deploy.bench.WeightPushBench;

/** {@code visq bench}: throughput and latency, measured in one run. */
public final class BenchCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("bench", "throughput and latency, measured in one run", true,
            List.of(OptionSpec.text("--config", "local.conf"), OptionSpec.integer("--scoring-seconds", "S"),
                    OptionSpec.integer("--async-steps", "N"), OptionSpec.integer("--scaling-steps", "N"),
                    OptionSpec.choice("--only", "scoring", "load", "scaling", "model", "preparation", "soak", "weight-push", "async"),
                    OptionSpec.integer("--load-seconds", "S"), OptionSpec.integer("--images", "N"),
                    OptionSpec.text("--model-checkpoint", "DIR"), OptionSpec.integer("--repetitions", "N"),
                    OptionSpec.number("--rate", "R"), OptionSpec.integer("--minutes", "N"), OptionSpec.text("--sizes", "LIST"),
                    OptionSpec.integer("--pushes", "N"), OptionSpec.text("--rollout-heap", "XMX")),
            "load: [--load-seconds 60] [--rate 15]  steady open-loop load, then overload; heap before/after",
            "async: [--async-steps 16]  GRPO samples/s of synchronous vs asynchronous training with 2 workers, each"
                    + " with a busy-share timeline of the learner and the workers",
            "scaling: [--scaling-steps 48]  GRPO samples/s with 1 vs 2 rollout nodes, each a separate JVM",
            "model: [--model-checkpoint DIR] [--repetitions 5]  the configured (or DIR's Qwen) model next to its PyTorch"
                    + " peer, when that Python is present",
            "preparation: [--images 20]  ms per image of the compact policy's image preparation, without and with the"
                    + " MobileNetV2 features",
            "soak: [--minutes 60] [--rate 2]  training and steady scoring in one node; heap after GC and live NDArrays"
                    + " each minute, their drift after the first sixth",
            "weight-push: [--sizes " + WeightPushBench.DEFAULT_SIZES + "] [--pushes 3] [--rollout-heap 2x+512m]  weight"
                    + " snapshots pushed learner JVM -> rollout JVM over Artery next to a raw TCP copy; peak heaps",

            "every run also writes target/visq-bench/summary.json: the headline numbers it measured (ratios such as"
                    + " microbatch_qps_gain, async_over_sync), keys of what it did not measure absent");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        List<WeightPushBench.SnapshotSize> sizes;
        try {
            sizes = WeightPushBench.parseSizes(line.value("--sizes", WeightPushBench.DEFAULT_SIZES));
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --sizes: " + e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>(line.settings());
        if (line.has("--model-checkpoint")) {
            settings.putAll(ModelCheckpointOption.overrides(Path.of(line.value("--model-checkpoint", ""))));
        }
        Config config = NodeLauncher.configure(line.value("--config", "local.conf"), settings, terminal.env());
        BenchSummary summary = new BenchSummary();
        try {
            run(line, config, terminal, summary, sizes);
        } finally {
            Path file = BenchSummary.fileUnder(Path.of(""));
            summary.write(file);
            terminal.out().println("summary: " + file.toAbsolutePath());
        }
        return 0;
    }

    private static void run(CommandLine line, Config config, Terminal terminal, BenchSummary summary,
            List<WeightPushBench.SnapshotSize> sizes) throws Exception {
        if (line.value("--only", "").equals("model") || line.has("--model-checkpoint")) {
            ModelBench.forCommandLine(config, terminal.out(), summary).run(line.intValue("--repetitions", 5));
            return;
        }
        Benchmarks bench = new Benchmarks(config, terminal.out(), summary);
        int scoringSeconds = line.intValue("--scoring-seconds", 20);
        switch (line.value("--only", "")) {
            case "scoring":
                bench.runScoring(scoringSeconds);
                break;
            case "load":
                bench.runLoad(line.intValue("--load-seconds", 60), line.doubleValue("--rate", 15));
                break;
            case "preparation":
                new PreparationBench(DataDirectories.fromConfig(config).shared(), terminal.out(), summary)
                        .run(line.intValue("--images", 20), 3);
                break;
            case "soak":
                new SoakBench(config, terminal.out(), summary).run(line.intValue("--minutes", 60), line.doubleValue("--rate", 2));
                break;
            case "weight-push":
                summary.recordPerSize(BenchSummary.Key.WEIGHT_PUSH_FRACTION_OF_RAW, WeightPushBench.fractionsOfRaw(
                        new WeightPushBench(config, terminal.out()).run(sizes, line.intValue("--pushes", 3),
                                line.value("--rollout-heap", WeightPushBench.rolloutHeapFor(sizes)))));
                break;
            case "async":
                bench.runAsync(line.intValue("--async-steps", 16));
                break;
            case "scaling":
                bench.runScaling(line.intValue("--scaling-steps", 48));
                break;
            default:
                bench.runAll(scoringSeconds, line.intValue("--async-steps", 16), line.intValue("--scaling-steps", 48));
        }
    }
}
