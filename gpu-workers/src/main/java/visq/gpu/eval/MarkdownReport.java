package visq.gpu.eval;

import java.util.Locale;

/** Renders an {@link EvaluationReport} as a Markdown page for people (undefined numbers as "n/a"). */
final class MarkdownReport {

    private MarkdownReport() {}

    static String render(EvaluationReport report) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation: ").append(inline(report.datasetName())).append("\n\n");
        md.append("- Model: ").append(inline(report.modelId()))
                .append(", weight version ").append(report.weightVersion()).append('\n');
        md.append("- Images: ").append(report.imageCount())
                .append(", unparsable responses: ").append(report.parseFailures()).append('\n');
        md.append("- Decoding: ").append(report.decoding().describe()).append('\n');
        report.rationaleAgreement().ifPresent(rate ->
                md.append("- Rationale agreement (<think> names the answered class): ").append(percent(rate)).append('\n'));

        md.append("\n## Agreement with MOS\n\n");
        md.append("| Scores | SRCC | KRCC | PLCC (raw) | PLCC (logistic fit) |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        row(md, "**" + inline(report.modelId()) + "**", report.model());
        for (BaselineRow baseline : report.baselines()) {
            String name = inline(baseline.name())
                    + (baseline.orientation() == ScoreOrientation.LOWER_IS_BETTER ? " (negated)" : "");
            row(md, name, baseline.agreement());
        }
        md.append("\nLower-is-better measures are negated before correlating, so +1 is perfect agreement in every row. ")
                .append("PLCC (logistic fit) is Pearson(yhat, MOS) with yhat = (b1 − b2) / (1 + exp(−(x − b3) / |b4|)) + b2.\n");
        LogisticFitResult fit = report.model().fit();
        LogisticParameters p = fit.parameters();
        md.append("\nModel logistic fit: b1 = ").append(number(p.b1())).append(", b2 = ").append(number(p.b2()))
                .append(", b3 = ").append(number(p.b3())).append(", b4 = ").append(number(p.b4()))
                .append(" (").append(fit.status().description()).append(", ").append(fit.iterations())
                .append(" iterations).\n");

        report.degradation().ifPresent(metrics -> degradation(md, metrics));
        return md.toString();
    }

    private static void row(StringBuilder md, String name, ScoreAgreement a) {
        md.append("| ").append(name).append(" | ").append(number(a.srcc())).append(" | ").append(number(a.krcc()))
                .append(" | ").append(number(a.plccRaw())).append(" | ").append(number(a.plccFitted())).append(" |\n");
    }

    private static void degradation(StringBuilder md, DegradationMetrics metrics) {
        md.append("\n## Degradation\n\n");
        md.append("Class accuracy: ").append(percent(metrics.classAccuracy())).append(" of ").append(metrics.images())
                .append(" images (").append(metrics.unparsable()).append(" unparsable, counted wrong).\n\n");
        md.append("| True class | Images | Class accuracy | Level accuracy | Level accuracy given class |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        for (ClassAccuracy a : metrics.perClass()) {
            md.append("| ").append(a.category().displayName()).append(" | ").append(a.images()).append(" | ")
                    .append(percent(a.classAccuracy())).append(" | ").append(percent(a.levelAccuracy())).append(" | ")
                    .append(percent(a.conditionalLevelAccuracy())).append(" |\n");
        }
        md.append("\nLevel accuracy counts a level only when the class is right, over all images of the class; ")
                .append("the last column divides by the images whose class was right.\n");

        ConfusionMatrix confusion = metrics.confusion();
        md.append("\nConfusion matrix (rows: truth, columns: prediction):\n\n| truth \\ predicted |");
        for (DegradationCategory c : confusion.columns()) {
            md.append(' ').append(c.displayName()).append(" |");
        }
        md.append("\n|---|");
        md.append("---:|".repeat(confusion.columns().size()));
        md.append('\n');
        for (DegradationCategory truth : confusion.rows()) {
            md.append("| ").append(truth.displayName()).append(" |");
            for (DegradationCategory predicted : confusion.columns()) {
                md.append(' ').append(confusion.count(truth, predicted)).append(" |");
            }
            md.append('\n');
        }
    }

    /** Four decimals, or "n/a" when undefined. */
    static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "n/a";
    }

    private static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", 100 * fraction) : "n/a";
    }

    /** Text safe inside a table cell or heading: pipes escaped, line breaks flattened. */
    private static String inline(String text) {
        return text.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }
}
