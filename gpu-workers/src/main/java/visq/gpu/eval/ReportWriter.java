package visq.gpu.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an {@link EvaluationReport} into a folder as {@code <dataset>-evaluation.md} and
 * {@code <dataset>-evaluation.json} (the dataset name with characters outside {@code [A-Za-z0-9._-]} replaced by
 * {@code _}). The JSON writes undefined numbers (NaN) as {@code null}.
 */
public final class ReportWriter {

    /** The two files written for one report. */
    public record WrittenReport(Path markdown, Path json) {}

    private ReportWriter() {}

    /** Writes both files, creating {@code folder} if needed and replacing files of the same name. */
    public static WrittenReport write(EvaluationReport report, Path folder) throws IOException {
        Files.createDirectories(folder);
        String stem = fileStem(report.datasetName()) + "-evaluation";
        Path markdown = folder.resolve(stem + ".md");
        Path json = folder.resolve(stem + ".json");
        Files.writeString(markdown, markdown(report), StandardCharsets.UTF_8);
        Files.writeString(json, json(report), StandardCharsets.UTF_8);
        return new WrittenReport(markdown, json);
    }

    /** The Markdown text of {@code report}. */
    public static String markdown(EvaluationReport report) {
        return MarkdownReport.render(report);
    }

    /** The JSON text of {@code report}. */
    public static String json(EvaluationReport report) {
        return JsonReport.render(report);
    }

    static String fileStem(String datasetName) {
        String stem = datasetName.replaceAll("[^A-Za-z0-9._-]", "_");
        return stem.isEmpty() || stem.startsWith(".") ? "dataset" + stem : stem;
    }
}
