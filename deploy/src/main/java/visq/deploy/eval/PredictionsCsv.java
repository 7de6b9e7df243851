package visq.deploy.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;

/**
 * Writes {@code <dataset>-predictions.csv}: one row per image with its MOS, each task's answer, whether it parsed
 * and, when it did not, what the policy wrote; the baselines; the problem of an image that could not be evaluated.
 */
final class PredictionsCsv {
    private PredictionsCsv() {}

    static void write(Path file, List<PredictionRow> rows, List<QualityTask> tasks, List<String> baselines)
            throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<String> header = new ArrayList<>(List.of("image", "id", "mos", "normalised_mos"));
            for (QualityTask task : tasks) {
                header.add(task.id());
                header.add(task.id() + "_parsed");
                header.add(task.id() + "_unparsed_answer");
            }
            if (tasks.contains(QualityTask.DEGRADATION)) {
                header.add("degradation_truth");
            }
            header.addAll(baselines);
            header.add("problem");
            out.write(line(header));
            for (PredictionRow row : rows) {
                List<String> fields = new ArrayList<>(List.of(row.sample.image().toString(), row.sample.id(),
                        number(row.sample.mos()), number(row.sample.normalisedMos())));
                for (QualityTask task : tasks) {
                    ImageAnswer answer = row.answers.get(task);
                    if (answer == null) {
                        fields.addAll(List.of("", "", ""));
                    } else {
                        fields.add(task == QualityTask.DEGRADATION
                                ? row.degradationAnswer.map(DegradationLabel::describe).orElse("")
                                : answer.parsed() ? number(answer.score()) : "");
                        fields.add(Boolean.toString(answer.parsed()));
                        fields.add(answer.parsed() ? "" : answer.responses().get(0));
                    }
                }
                if (tasks.contains(QualityTask.DEGRADATION)) {
                    fields.add(row.sample.label().map(DegradationLabel::describe).orElse(""));
                }
                for (String baseline : baselines) {
                    Double value = row.baselines.get(baseline);
                    fields.add(value == null || value.isNaN() ? "" : number(value));
                }
                fields.add(row.problem);
                out.write(line(fields));
            }
        }
    }

    private static String line(List<String> fields) {
        return CsvLine.of(fields);
    }

    private static String number(double value) {
        return Double.toString(value);
    }
}
