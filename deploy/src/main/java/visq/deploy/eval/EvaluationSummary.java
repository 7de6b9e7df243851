package visq.deploy.eval;

import java.util.Locale;
import visq.gpu.eval.BaselineRow;
import visq.gpu.eval.DegradationMetrics;
import visq.gpu.eval.EvaluationReport;

/** The headline numbers of one evaluation, as a short Markdown page ({@code summary.md}). */
public record EvaluationSummary(long weightVersion, String decoding, EvaluationReport clive, EvaluationReport kodak,
        double formatRate) {

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "# Visq evaluation, weight version %d (%s decoding)%n%n", weightVersion,
                decoding));
        out.append("| dataset | scorer | images | SRCC | KRCC | PLCC raw | PLCC fitted |\n|---|---|---|---|---|---|---|\n");
        for (EvaluationReport report : new EvaluationReport[] {clive, kodak}) {
            row(out, report.datasetName(), "visq", report.imageCount() - report.parseFailures(),
                    report.model().srcc(), report.model().krcc(), report.model().plccRaw(), report.model().plccFitted());
            for (BaselineRow baseline : report.baselines()) {
                row(out, report.datasetName(), baseline.name(), report.imageCount(), baseline.agreement().srcc(),
                        baseline.agreement().krcc(), baseline.agreement().plccRaw(), baseline.agreement().plccFitted());
            }
        }
        kodak.degradation().ifPresent(metrics -> degradation(out, metrics));
        out.append(String.format(Locale.ROOT, "%nFormat rate (Q-Insight strict format, degradation answers): %.3f%n",
                formatRate));
        kodak.rationaleAgreement().ifPresent(rate -> out.append(String.format(Locale.ROOT,
                "Rationale agreement (the <think> text names the class the <answer> gives): %.3f%n", rate)));
        out.append(String.format(Locale.ROOT, "Unparsable score answers: %d of %d (CLIVE), %d of %d (Kodak)%n",
                clive.parseFailures(), clive.imageCount(), kodak.parseFailures(), kodak.imageCount()));
        return out.toString();
    }

    private static void row(StringBuilder out, String dataset, String scorer, int images, double srcc, double krcc,
            double plccRaw, double plccFitted) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %d | %.4f | %.4f | %.4f | %.4f |%n", dataset, scorer, images,
                srcc, krcc, plccRaw, plccFitted));
    }

    private static void degradation(StringBuilder out, DegradationMetrics metrics) {
        double levelCorrect = metrics.perClass().stream()
                .filter(c -> c.category().hasLevels())
                .mapToInt(c -> c.levelCorrect()).sum();
        double levelImages = metrics.perClass().stream()
                .filter(c -> c.category().hasLevels())
                .mapToInt(c -> c.images()).sum();
        out.append(String.format(Locale.ROOT, "%nDegradation (held-out Kodak sources): class accuracy %.3f, "
                + "level accuracy %.3f over %d degraded images, %d unparsable%n", metrics.classAccuracy(),
                levelImages == 0 ? Double.NaN : levelCorrect / levelImages, (int) levelImages, metrics.unparsable()));
    }
}
