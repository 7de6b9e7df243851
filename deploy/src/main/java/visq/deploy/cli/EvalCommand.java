package visq.deploy.cli;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.List;
import visq.deploy.NodeLauncher;
import visq.deploy.eval.EvaluationRun;
import visq.deploy.eval.EvaluationSettings;
import visq.deploy.eval.EvaluationSummary;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.tasks.QualityTask;

/** {@code visq eval}: reports and plots for held-out data, scored the way the serving path scores. */
public final class EvalCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("eval",
            "reports (Markdown, JSON), plots and summary for the held-out splits", true,
            List.of(OptionSpec.text("--config", "local.conf"), OptionSpec.text("--checkpoint", "DIR"),
                    OptionSpec.text("--out", "DIR"), OptionSpec.integer("--samples", "N"),
                    OptionSpec.number("--temperature", "T"), OptionSpec.choice("--task", "score", "score-number"),
                    OptionSpec.integer("--max-images", "N")),
            "--samples N [--temperature T]  the mean of N answers sampled at T (default 1.0) instead of one greedy answer");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        Config config = NodeLauncher.configure(line.value("--config", "local.conf"), line.settings(), terminal.env());
        int samples = line.intValue("--samples", 1);
        if (samples < 1) {
            throw new UsageException("option --samples expects at least 1, got " + samples);
        }
        double temperature = line.doubleValue("--temperature", 1.0);
        if (line.has("--temperature") && !(temperature > 0)) {
            throw new UsageException("option --temperature expects a temperature > 0, got " + temperature);
        }
        ScoreDecoding decoding = samples == 1 && !line.has("--temperature") ? ScoreDecoding.greedy()
                : ScoreDecoding.meanOfSamples(samples, temperature);
        QualityTask task = QualityTask.fromId(line.value("--task", "score")).orElseThrow();
        EvaluationSettings settings = new EvaluationSettings(
                Path.of(line.value("--checkpoint", config.getString("visq.learner.checkpoint-dir"))),
                Path.of(line.value("--out", "target/visq-eval")), decoding, task, line.intValue("--max-images", 0),
                config.getInt("visq.router.max-new-tokens"));
        EvaluationSummary summary = new EvaluationRun(config, settings).run();
        terminal.out().println(summary.markdown());
        terminal.out().println("reports and plots in " + settings.outputDirectory().toAbsolutePath());
        return 0;
    }
}
