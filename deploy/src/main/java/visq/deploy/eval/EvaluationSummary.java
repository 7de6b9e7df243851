package visq.deploy.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import visq.gpu.eval.BaselineRow;
import visq.gpu.eval.DegradationMetrics;
import visq.gpu.eval.EvaluationReport;
import visq.gpu.eval.ScoreAgreement;
import visq.gpu.tasks.QualityTask;

/**
 * The headline numbers of one evaluation as a Markdown page ({@code summary.md}): a table per dataset with a row
 * per method ({@code | NAME | visq | n | SRCC | KRCC | PLCC raw | PLCC fitted |}, NIQE and BRISQUE beside it), the
 * parse rate of every task asked, degradation accuracy where measured, and, for several datasets, a summary table
 * of each method's mean over them.
 */
public record EvaluationSummary(long weightVersion, String decoding, List<DatasetEvaluation> datasets) {

    private static final String HEADER = "| dataset | method | n | SRCC | KRCC | PLCC raw | PLCC fitted |\n"
            + "|---|---|---|---|---|---|---|\n";

    public EvaluationSummary {
        datasets = List.copyOf(datasets);
    }

    /** The evaluation of the set named {@code name}. */
    public DatasetEvaluation dataset(String name) {
        return datasets.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no evaluated set named " + name));
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "# Visq evaluation, weight version %d (%s)%n", weightVersion,
                decoding));
        Map<String, List<double[]>> byMethod = new LinkedHashMap<>();
        for (DatasetEvaluation dataset : datasets) {
            EvaluationReport report = dataset.report();
            out.append("\n## ").append(dataset.name()).append(String.format(Locale.ROOT, " (%d images",
                    report.imageCount() + dataset.imagesWithProblems()));
            if (dataset.imagesWithProblems() > 0) {
                out.append(String.format(Locale.ROOT, ", %d with problems: see %s-predictions.csv",
                        dataset.imagesWithProblems(), dataset.name()));
            }
            out.append(")\n\n").append(HEADER);
            boolean headline = true;
            for (Map.Entry<QualityTask, ScoreAgreement> entry : dataset.agreements().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                String method = entry.getKey() == QualityTask.SCORE ? "visq" : "visq " + entry.getKey().id();
                int n = dataset.parsed().get(entry.getKey()).parsed();
                row(out, dataset.name(), method, n, entry.getValue());
                byMethod.computeIfAbsent(method, m -> new ArrayList<>()).add(numbers(n, entry.getValue()));
                headline = false;
            }
            if (headline) {
                out.append("| ").append(dataset.name()).append(" | visq | 0 | – | – | – | – |\n");
            }
            for (BaselineRow baseline : report.baselines()) {
                int n = dataset.baselineImages().getOrDefault(baseline.name(), 0);
                row(out, dataset.name(), baseline.name(), n, baseline.agreement());
                byMethod.computeIfAbsent(baseline.name(), m -> new ArrayList<>()).add(numbers(n, baseline.agreement()));
            }
            out.append("\nParsed answers:");
            dataset.parsed().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out.append(
                    String.format(Locale.ROOT, " %s %d/%d (%s);", e.getKey().id(), e.getValue().parsed(),
                            e.getValue().answered(), number(e.getValue().rate(), 3))));
            out.setLength(out.length() - 1);
            out.append('\n');
            report.degradation().ifPresent(metrics -> degradation(out, "Degradation", metrics));
            dataset.baselineDegradation().forEach((method, metrics) -> degradation(out,
                    "Degradation, " + method + " alone", metrics));
            dataset.formatRate().ifPresent(rate -> out.append(String.format(Locale.ROOT,
                    "Format rate (Q-Insight strict format, degradation answers): %s%n", number(rate, 3))));
            report.rationaleAgreement().ifPresent(rate -> out.append(String.format(Locale.ROOT,
                    "Rationale agreement (the <think> text names the class the <answer> gives): %s%n",
                    number(rate, 3))));
        }
        if (datasets.size() > 1) {
            out.append(String.format(Locale.ROOT, "%n## Summary: mean over %d datasets%n%n", datasets.size()));
            out.append("| method | datasets | images | mean SRCC | mean KRCC | mean PLCC raw | mean PLCC fitted |\n"
                    + "|---|---|---|---|---|---|---|\n");
            byMethod.forEach((method, rows) -> {
                double[] mean = new double[5];
                for (double[] r : rows) {
                    for (int k = 0; k < 5; k++) {
                        mean[k] += r[k] / (k == 0 ? 1 : rows.size());
                    }
                }
                out.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |%n", method, rows.size(),
                        (int) mean[0], number(mean[1], 4), number(mean[2], 4), number(mean[3], 4),
                        number(mean[4], 4)));
            });
            out.append("\nMeans are plain averages over datasets (a dataset with an undefined value makes the mean "
                    + "n/a).\n");
        }
        return out.toString();
    }

    private static double[] numbers(int n, ScoreAgreement a) {
        return new double[] {n, a.srcc(), a.krcc(), a.plccRaw(), a.plccFitted()};
    }

    private static void row(StringBuilder out, String dataset, String method, int n, ScoreAgreement a) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s |%n", dataset, method, n,
                number(a.srcc(), 4), number(a.krcc(), 4), number(a.plccRaw(), 4), number(a.plccFitted(), 4)));
    }

    private static String number(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static void degradation(StringBuilder out, String title, DegradationMetrics metrics) {
        double levelCorrect = metrics.perClass().stream()
                .filter(c -> c.category().hasLevels())
                .mapToInt(c -> c.levelCorrect()).sum();
        double levelImages = metrics.perClass().stream()
                .filter(c -> c.category().hasLevels())
                .mapToInt(c -> c.images()).sum();
        out.append(String.format(Locale.ROOT, "%s: class accuracy %.3f, level accuracy %s over %d degraded "
                + "images, %d unparsable%n", title, metrics.classAccuracy(),
                number(levelImages == 0 ? Double.NaN : levelCorrect / levelImages, 3), (int) levelImages,
                metrics.unparsable()));
    }
}
