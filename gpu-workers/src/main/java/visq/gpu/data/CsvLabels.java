package visq.gpu.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Plain CSV labels: a header naming at least {@code image} (a file name) and {@code mos} (higher is better);
 * {@code mos_std} (or {@code std}) is checked to be a number when present; other columns are ignored.
 */
final class CsvLabels {
    private CsvLabels() {}

    static List<LabelRecord> read(Path file, List<DatasetProblem> problems) throws IOException {
        CsvTable table = CsvTable.read(file, problems);
        if (!table.hasHeader()) {
            return List.of();
        }
        Optional<Integer> image = table.column("image");
        Optional<Integer> mos = table.column("mos");
        Optional<Integer> std = table.column("mos_std", "std");
        if (image.isEmpty() || mos.isEmpty()) {
            problems.add(DatasetProblem.at(file, 1, "header lacks the column '" + (image.isEmpty() ? "image" : "mos")
                    + "' (a CSV dataset has the columns image, mos and optionally mos_std)"));
            return List.of();
        }
        List<LabelRecord> records = new ArrayList<>();
        for (CsvTable.Row row : table.rows()) {
            String name = CsvTable.field(row, image.get());
            OptionalDouble score = CsvTable.number(file, row.line(), CsvTable.field(row, mos.get()), "mos", problems);
            if (std.isPresent() && !CsvTable.field(row, std.get()).isEmpty()) {
                CsvTable.number(file, row.line(), CsvTable.field(row, std.get()), "mos_std", problems);
            }
            if (score.isPresent()) {
                records.add(LabelRecord.scored(row.line(), name, score.getAsDouble()));
            }
        }
        return records;
    }
}
