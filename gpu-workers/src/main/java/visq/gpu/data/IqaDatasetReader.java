package visq.gpu.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a MOS dataset: a CSV table with a header naming at least the columns {@code image} (a file name) and
 * {@code mos} (higher is better); {@code mos_std} is checked to be a number when present, other columns are
 * ignored. Images are looked up in the folder itself, then in its {@code images/} subfolder (CLIVE's layout).
 *
 * <p>Every problem is reported with the file and line: a row with the wrong number of fields, an empty image
 * name, a name that escapes the folder, a duplicate image, a score that is not a finite number, a missing
 * image file. Scores are normalised per dataset onto [1, 5] (method.md §1); samples carry no degradation label.
 */
public final class IqaDatasetReader {

    private IqaDatasetReader() {}

    /** The samples of {@code folder/csvName}, in file order, with ids {@code datasetId/<image>}. */
    public static List<IqaSample> read(Path folder, String csvName, String datasetId) throws IOException {
        Path csv = folder.resolve(csvName);
        CsvTable table = CsvTable.read(csv);
        int imageColumn = table.requireColumn("image");
        int mosColumn = table.requireColumn("mos");
        Optional<Integer> stdColumn = table.column("mos_std");
        if (table.rows().isEmpty()) {
            throw new MalformedDatasetException(csv, "has a header but no rows");
        }

        List<String> names = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CsvTable.Row row : table.rows()) {
            String name = CsvTable.field(row, imageColumn);
            if (name.isEmpty()) {
                throw new MalformedDatasetException(csv, row.line(), "image name is empty");
            }
            if (!seen.add(name)) {
                throw new MalformedDatasetException(csv, row.line(), "image '" + name + "' is listed twice");
            }
            double mos = table.number(row, mosColumn, "mos");
            if (stdColumn.isPresent() && !CsvTable.field(row, stdColumn.get()).isEmpty()) {
                table.number(row, stdColumn.get(), "mos_std");
            }
            names.add(name);
            images.add(resolveImage(folder, csv, row.line(), name));
            scores.add(mos);
        }

        MosScale scale = MosScale.of(scores);
        List<IqaSample> samples = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            samples.add(new IqaSample(datasetId + "/" + names.get(i), datasetId, images.get(i), scores.get(i),
                    scale.normalise(scores.get(i)), Optional.empty()));
        }
        return List.copyOf(samples);
    }

    private static Path resolveImage(Path folder, Path csv, int line, String name) throws MalformedDatasetException {
        Path base = folder.toAbsolutePath().normalize();
        for (Path candidate : List.of(base.resolve(name), base.resolve("images").resolve(name))) {
            Path normalised = candidate.normalize();
            if (!normalised.startsWith(base)) {
                throw new MalformedDatasetException(csv, line, "image '" + name + "' lies outside " + base);
            }
            if (Files.isRegularFile(normalised)) {
                return normalised;
            }
        }
        throw new MalformedDatasetException(csv, line,
                "image '" + name + "' not found in " + base + " or its images/ folder");
    }
}
