package visq.deploy.cli;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import visq.actors.cluster.DataSettings;
import visq.actors.learner.LearnerSettings;
import visq.deploy.node.NodeLauncher;
import visq.deploy.eval.EvaluationRun;
import visq.deploy.eval.EvaluationSettings;
import visq.deploy.eval.EvaluationSummary;
import visq.deploy.eval.EvaluationTarget;
import visq.deploy.eval.ProgressLine;
import visq.gpu.data.DatasetFormat;
import visq.gpu.data.DatasetSpec;
import visq.gpu.data.MosScale;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.tasks.QualityTask;

/**
 * {@code visq eval}: reports and plots for the held-out parts of the configured datasets, or for whole labelled
 * sets given as {@code --dataset NAME=DIR --labels FILE [--format F] [--mos-range MIN,MAX]} (repeatable; the
 * options after a {@code --dataset} belong to it), scored the way the serving path scores.
 */
public final class EvalCommand implements CliCommand {
    private static final CommandSpec SPEC = CommandSpec.of("eval",
            "reports (Markdown, JSON, CSV), plots and summary: the held-out splits, or your own labelled sets", true,
            List.of(OptionSpec.text("--config", "local.conf"), OptionSpec.text("--checkpoint", "DIR"),
                    OptionSpec.text("--out", "DIR"), OptionSpec.integer("--samples", "N"),
                    OptionSpec.number("--temperature", "T"),
                    OptionSpec.choice("--task", "score", "score-number", "degradation").asRepeatable(),
                    OptionSpec.integer("--max-images", "N"), OptionSpec.text("--dataset", "NAME=DIR").asRepeatable(),
                    OptionSpec.text("--labels", "FILE").asRepeatable(),
                    OptionSpec.choice("--format", "csv", "q-insight", "visualquality-r1", "kadid", "tid2013")
                            .asRepeatable(),
                    OptionSpec.text("--mos-range", "MIN,MAX").asRepeatable()),
            "--dataset NAME=DIR --labels FILE  evaluate every image of DIR listed in FILE (no split); repeat for "
                    + "several sets",
            "--format F  how FILE is written (default from its extension: .csv csv, .json q-insight, "
                    + ".jsonl visualquality-r1)",
            "--mos-range MIN,MAX  the MOS scale of the set (default: the range its scores span)",
            "--task T  what to ask (repeatable; default: score, and degradation of images with degradation labels)",
            "--samples N [--temperature T]  the mean of N answers sampled at T (default 1.0) instead of one greedy "
                    + "answer",
            "example: visq eval --dataset holdout=photos/ --labels photos/mos.csv --mos-range 0,100");

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public int run(CommandLine line, Terminal terminal) throws Exception {
        List<QualityTask> tasks = line.has("--task")
                ? new ArrayList<>(new LinkedHashSet<>(line.values("--task").stream()
                        .map(id -> QualityTask.fromId(id).orElseThrow()).toList()))
                : List.of(QualityTask.SCORE, QualityTask.DEGRADATION);
        List<DatasetSpec> datasets = datasets(line, tasks.stream().filter(t -> t != QualityTask.DEGRADATION).toList());
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
        EvaluationSettings settings = new EvaluationSettings(
                line.pathValue("--checkpoint", () -> LearnerSettings.fromConfig(config).checkpointDirectory()),
                Path.of(line.value("--out", "target/visq-eval")), decoding, tasks, line.intValue("--max-images", 0));
        EvaluationRun run = new EvaluationRun(config, settings, ProgressLine.on(terminal.err(),
                terminal.interactive()));
        EvaluationSummary summary;
        if (datasets.isEmpty()) {
            summary = run.run();
        } else {
            List<EvaluationTarget> targets =
                    EvaluationRun.wholeSets(datasets, DataSettings.fromConfig(config).workDirectory());
            summary = run.run(targets);
        }
        terminal.out().println(summary.markdown());
        terminal.out().println("reports, predictions and plots in " + settings.outputDirectory().toAbsolutePath());
        return 0;
    }

    /**
     * The sets of the {@code --dataset} groups, in order; the options after a {@code --dataset} belong to it. Every
     * entry of a set needs a MOS when a score task is asked.
     */
    static List<DatasetSpec> datasets(CommandLine line, List<QualityTask> scoreTasks) throws UsageException {
        List<DatasetSpec> datasets = new ArrayList<>();
        List<List<CommandLine.Given>> groups = new ArrayList<>();
        for (CommandLine.Given option : line.options()) {
            boolean belongs = option.name().equals("--labels") || option.name().equals("--format")
                    || option.name().equals("--mos-range");
            if (option.name().equals("--dataset")) {
                groups.add(new ArrayList<>(List.of(option)));
            } else if (belongs && groups.isEmpty()) {
                throw new UsageException("option " + option.name() + " must follow the --dataset it belongs to");
            } else if (belongs) {
                List<CommandLine.Given> group = groups.get(groups.size() - 1);
                if (group.stream().anyMatch(g -> g.name().equals(option.name()))) {
                    throw new UsageException("option " + option.name() + " is given twice for --dataset "
                            + group.get(0).value());
                }
                group.add(option);
            }
        }
        for (List<CommandLine.Given> group : groups) {
            datasets.add(dataset(group).withTasks(scoreTasks));
        }
        return datasets;
    }

    private static DatasetSpec dataset(List<CommandLine.Given> group) throws UsageException {
        String assignment = group.get(0).value();
        int eq = assignment.indexOf('=');
        if (eq <= 0 || eq == assignment.length() - 1) {
            throw new UsageException("--dataset expects NAME=DIR, got '" + assignment + "'");
        }
        String name = assignment.substring(0, eq);
        Path images = Path.of(assignment.substring(eq + 1));
        Optional<String> labels = value(group, "--labels");
        if (labels.isEmpty()) {
            throw new UsageException("--dataset " + assignment + " needs --labels FILE");
        }
        Path labelsFile = Path.of(labels.get());
        DatasetFormat format = value(group, "--format").flatMap(DatasetFormat::fromId)
                .orElse(formatOf(labelsFile).orElse(null));
        if (format == null) {
            throw new UsageException("--dataset " + assignment + ": say how " + labelsFile.getFileName()
                    + " is written with --format (csv, q-insight, visualquality-r1, kadid, tid2013)");
        }
        if (!Files.isDirectory(images)) {
            throw new UsageException("--dataset " + assignment + ": " + images + " is not a folder");
        }
        DatasetSpec spec;
        try {
            spec = DatasetSpec.forEvaluation(name, format, images, labelsFile);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dataset " + assignment + ": " + e.getMessage());
        }
        Optional<String> range = value(group, "--mos-range");
        if (range.isPresent()) {
            spec = spec.withMosRange(range(range.get()));
        }
        return spec;
    }

    private static MosScale range(String text) throws UsageException {
        String[] bounds = text.split(",|\\.\\.", -1);
        try {
            if (bounds.length == 2) {
                double min = Double.parseDouble(bounds[0].strip());
                double max = Double.parseDouble(bounds[1].strip());
                if (Double.isFinite(min) && Double.isFinite(max) && min < max) {
                    return new MosScale(min, max);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--mos-range expects MIN,MAX with MIN < MAX, got '" + text + "'");
    }

    private static Optional<DatasetFormat> formatOf(Path labels) {
        String name = labels.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Optional.of(DatasetFormat.CSV);
        }
        if (name.endsWith(".jsonl")) {
            return Optional.of(DatasetFormat.VISUALQUALITY_R1);
        }
        if (name.endsWith(".json")) {
            return Optional.of(DatasetFormat.Q_INSIGHT);
        }
        return Optional.empty();
    }

    private static Optional<String> value(List<CommandLine.Given> group, String name) {
        return group.stream().filter(g -> g.name().equals(name)).map(CommandLine.Given::value).findFirst();
    }
}
