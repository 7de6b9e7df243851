package visq.gpu.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * Synthetic-distortion datasets whose file names say what was done: {@code <reference>_<type>_<level>.<ext>}, as in
 * KADID-10K ({@code I01_03_02.png}) and TID2013 ({@code i01_03_2.bmp}). The level (1..5, 1 the mildest) is the
 * severity; the distortion type maps onto the four answer classes where one fits (tables below), and a type that
 * fits none gives no degradation label (the image still serves the score tasks). The reference image is the group
 * a split keeps together.
 *
 * <p>MOS come from the dataset's table: a CSV with a header naming the image ({@code dist_img} or {@code image})
 * and the score ({@code dmos} or {@code mos}; KADID-10K's {@code dmos.csv}), or lines of {@code MOS NAME}
 * separated by white space (TID2013's {@code mos_with_names.txt}). Both are higher-is-better.
 */
final class DistortionNameLabels {
    private static final Pattern NAME = Pattern.compile("([A-Za-z]+\\d+)_(\\d+)_(\\d+)\\.[A-Za-z0-9]+");

    /** KADID-10K's 25 types (Lin, Hosu, Saupe 2019) that are one of the four classes. */
    static final Map<Integer, DegradationClass> KADID_CLASSES = Map.ofEntries(
            Map.entry(1, DegradationClass.BLUR), Map.entry(2, DegradationClass.BLUR),
            Map.entry(3, DegradationClass.BLUR),
            Map.entry(9, DegradationClass.COMPRESSION), Map.entry(10, DegradationClass.COMPRESSION),
            Map.entry(11, DegradationClass.NOISE), Map.entry(12, DegradationClass.NOISE),
            Map.entry(13, DegradationClass.NOISE), Map.entry(14, DegradationClass.NOISE),
            Map.entry(17, DegradationClass.DARKEN));
    static final int KADID_TYPES = 25;
    /** TID2013's 24 types (Ponomarenko et al. 2015) that are one of the four classes. */
    static final Map<Integer, DegradationClass> TID2013_CLASSES = Map.ofEntries(
            Map.entry(1, DegradationClass.NOISE), Map.entry(2, DegradationClass.NOISE),
            Map.entry(3, DegradationClass.NOISE), Map.entry(4, DegradationClass.NOISE),
            Map.entry(5, DegradationClass.NOISE), Map.entry(6, DegradationClass.NOISE),
            Map.entry(8, DegradationClass.BLUR), Map.entry(10, DegradationClass.COMPRESSION),
            Map.entry(11, DegradationClass.COMPRESSION), Map.entry(19, DegradationClass.NOISE));
    static final int TID2013_TYPES = 24;

    private DistortionNameLabels() {}

    static List<LabelRecord> read(Path file, DatasetFormat format, List<DatasetProblem> problems) throws IOException {
        List<LabelRecord> scored = scores(file, problems);
        List<LabelRecord> records = new ArrayList<>(scored.size());
        for (LabelRecord record : scored) {
            Matcher name = NAME.matcher(Path.of(record.image()).getFileName().toString());
            if (!name.matches()) {
                problems.add(DatasetProblem.at(file, record.line(), "image '" + record.image()
                        + "' is not named <reference>_<type>_<level>.<ext> as " + format.id() + " names its images"));
                continue;
            }
            int type = Integer.parseInt(name.group(2));
            int level = Integer.parseInt(name.group(3));
            int types = format == DatasetFormat.KADID ? KADID_TYPES : TID2013_TYPES;
            if (type < 1 || type > types) {
                problems.add(DatasetProblem.at(file, record.line(), "image '" + record.image() + "': distortion type "
                        + type + " is not one of " + format.id() + "'s " + types));
                continue;
            }
            if (level < 1 || level > 5) {
                problems.add(DatasetProblem.at(file, record.line(), "image '" + record.image() + "': level " + level
                        + " is not 1..5"));
                continue;
            }
            DegradationClass degradation =
                    (format == DatasetFormat.KADID ? KADID_CLASSES : TID2013_CLASSES).get(type);
            Optional<DegradationLabel> label = Optional.ofNullable(degradation)
                    .map(c -> DegradationLabel.of(c, Severity.ofLevel(level)));
            records.add(new LabelRecord(record.line(), record.image(), record.mos(), label,
                    Optional.of(name.group(1))));
        }
        return records;
    }

    /** The image names and scores of the table, in file order. */
    private static List<LabelRecord> scores(Path file, List<DatasetProblem> problems) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String firstLine = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        if (firstLine.contains(",")) {
            return csvScores(file, problems);
        }
        List<LabelRecord> records = new ArrayList<>();
        String[] lines = text.split("\\r?\\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] fields = lines[i].strip().split("\\s+");
            if (fields.length != 2) {
                problems.add(DatasetProblem.at(file, i + 1, "expected 'MOS NAME', got '" + lines[i].strip() + "'"));
                continue;
            }
            OptionalDouble mos = CsvTable.number(file, i + 1, fields[0], "mos", problems);
            if (mos.isPresent()) {
                records.add(LabelRecord.scored(i + 1, fields[1], mos.getAsDouble()));
            }
        }
        if (records.isEmpty() && problems.isEmpty()) {
            problems.add(DatasetProblem.of(file, "is empty"));
        }
        return records;
    }

    private static List<LabelRecord> csvScores(Path file, List<DatasetProblem> problems) throws IOException {
        CsvTable table = CsvTable.read(file, problems);
        Optional<Integer> image = table.column("dist_img", "image");
        Optional<Integer> mos = table.column("dmos", "mos");
        if (image.isEmpty() || mos.isEmpty()) {
            problems.add(DatasetProblem.at(file, 1, "header lacks the column '" + (image.isEmpty()
                    ? "dist_img' (or 'image')" : "dmos' (or 'mos')")));
            return List.of();
        }
        List<LabelRecord> records = new ArrayList<>();
        for (CsvTable.Row row : table.rows()) {
            OptionalDouble score = CsvTable.number(file, row.line(), CsvTable.field(row, mos.get()), "mos", problems);
            if (score.isPresent()) {
                records.add(LabelRecord.scored(row.line(), CsvTable.field(row, image.get()), score.getAsDouble()));
            }
        }
        return records;
    }
}
