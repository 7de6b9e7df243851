package visq.gpu.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import visq.gpu.tasks.QualityTask;

/**
 * Reads configured datasets ({@link DatasetSpec}) of every {@link DatasetFormat} into samples, checking them
 * against their declaration and collecting every problem with its file and line instead of stopping at the first.
 *
 * <p>Checked for every format: the labels file exists and parses; each entry names an image, once, inside the
 * images folder, and the image exists (looked up in the folder, then in its {@code images/} subfolder); a MOS is a
 * finite number, inside the declared range when one is declared, and present on every entry when the dataset serves
 * a score task; a dataset serving the degradation task has degradation labels; the dataset is not empty.
 *
 * <p>MOS are normalised per dataset onto [1, 5] (method.md §1) from the declared range, or else the range the
 * dataset's scores span. An entry without a MOS (a degradation-only entry) carries the severity proxy of
 * {@link DegradationSet#proxyMos}. Sample ids are {@code <dataset>/<image as written>}.
 */
public final class DatasetReader {
    static final String LOCK_FILE = ".generation.lock";

    private DatasetReader() {}

    /**
     * Reads every dataset and refuses them all at once: the returned readings have no problems, or
     * {@link InvalidDatasetsException} lists {@code earlierProblems} (the configuration's) and every dataset's.
     */
    public static List<DatasetReading> readAll(List<DatasetSpec> specs, Path workDirectory,
            List<DatasetProblem> earlierProblems) throws IOException {
        List<DatasetProblem> problems = new ArrayList<>(earlierProblems);
        List<DatasetReading> readings = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            DatasetSpec spec = specs.get(i);
            if (names.putIfAbsent(spec.name(), i) != null) {
                problems.add(DatasetProblem.of(spec.images(), "dataset name '" + spec.name() + "' is used twice"));
                continue;
            }
            DatasetReading reading = read(spec, workDirectory);
            problems.addAll(reading.problems());
            readings.add(reading);
        }
        if (!problems.isEmpty()) {
            throw new InvalidDatasetsException(problems);
        }
        return List.copyOf(readings);
    }

    /** Reads one dataset, generating it first when its format says so. */
    public static DatasetReading read(DatasetSpec spec, Path workDirectory) throws IOException {
        if (spec.format() == DatasetFormat.GENERATED) {
            return generated(spec, workDirectory);
        }
        List<DatasetProblem> problems = new ArrayList<>();
        Path labels = spec.labels().orElseThrow();
        if (!Files.isRegularFile(labels)) {
            problems.add(DatasetProblem.of(labels, "labels file not found (dataset " + spec.name() + ")"));
            return new DatasetReading(spec, List.of(), Map.of(), problems);
        }
        List<LabelRecord> records;
        switch (spec.format()) {
            case CSV:
                records = CsvLabels.read(labels, problems);
                break;
            case Q_INSIGHT:
                records = JsonLabels.readQInsight(labels, problems);
                break;
            case VISUALQUALITY_R1:
                records = JsonLabels.readVisualQualityR1(labels, problems);
                break;
            default:
                records = DistortionNameLabels.read(labels, spec.format(), problems);
        }
        DatasetReading reading = assemble(spec, labels, records, problems);
        List<DatasetProblem> byLine = new ArrayList<>(reading.problems());
        byLine.sort(java.util.Comparator.comparingInt(DatasetProblem::line)); // stable: a line's problems keep order
        return new DatasetReading(spec, reading.samples(), reading.groups(), byLine);
    }

    private static DatasetReading assemble(DatasetSpec spec, Path labels, List<LabelRecord> records,
            List<DatasetProblem> problems) {
        Path base = spec.images().toAbsolutePath().normalize();
        boolean folderExists = Files.isDirectory(base);
        if (!folderExists) {
            problems.add(DatasetProblem.of(base, "images folder not found (dataset " + spec.name() + ")"));
        }
        Map<String, Integer> firstLine = new HashMap<>();
        List<LabelRecord> kept = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (LabelRecord record : records) {
            String name = record.image();
            if (name.isEmpty()) {
                problems.add(DatasetProblem.at(labels, record.line(), "image name is empty"));
                continue;
            }
            Integer first = firstLine.putIfAbsent(name, record.line());
            if (first != null) {
                problems.add(DatasetProblem.at(labels, record.line(), "image '" + name
                        + "' is listed twice (first on line " + first + ")"));
                continue;
            }
            if (spec.servesScores() && record.mos().isEmpty()) {
                problems.add(DatasetProblem.at(labels, record.line(), "image '" + name
                        + "' has no MOS, but the dataset serves the score tasks"));
                continue;
            }
            if (record.mos().isPresent() && spec.mosRange().isPresent()
                    && !spec.mosRange().get().contains(record.mos().getAsDouble())) {
                problems.add(DatasetProblem.at(labels, record.line(), "mos " + record.mos().getAsDouble()
                        + " is outside the declared mos-range " + spec.mosRange().get()));
                continue;
            }
            Optional<Path> image = resolveImage(base, labels, record, problems);
            if (image.isEmpty()) {
                continue;
            }
            if (folderExists && !Files.isRegularFile(image.get())) {
                problems.add(new DatasetProblem(labels, record.line(), "image '" + name + "' not found in " + base
                        + " or its images/ folder", DatasetProblem.Kind.MISSING_IMAGE));
            }
            kept.add(record);
            images.add(image.get());
        }
        if (spec.tasks().contains(QualityTask.DEGRADATION) && kept.stream().noneMatch(r -> r.label().isPresent())) {
            problems.add(DatasetProblem.of(labels, "no entry has a degradation label, but the dataset serves the "
                    + "degradation task (format " + spec.format().id() + ")"));
        }
        if (records.isEmpty() && problems.isEmpty()) {
            problems.add(DatasetProblem.of(labels, "has a header but no rows"));
        }
        List<Double> scores = kept.stream().filter(r -> r.mos().isPresent()).map(r -> r.mos().getAsDouble()).toList();
        Optional<MosScale> scale = spec.mosRange().or(() -> scores.isEmpty() ? Optional.empty()
                : Optional.of(MosScale.of(scores)));
        List<IqaSample> samples = new ArrayList<>(kept.size());
        Map<String, String> groups = new LinkedHashMap<>();
        for (int i = 0; i < kept.size(); i++) {
            LabelRecord record = kept.get(i);
            String id = spec.name() + "/" + record.image();
            double mos;
            double normalised;
            if (record.mos().isPresent()) {
                mos = record.mos().getAsDouble();
                normalised = scale.orElseThrow().normalise(mos);
            } else {
                mos = DegradationSet.proxyMos(record.label().orElseThrow());
                normalised = mos;
            }
            samples.add(new IqaSample(id, spec.name(), images.get(i), mos, normalised, record.label()));
            groups.put(id, record.group().orElse(id));
        }
        return new DatasetReading(spec, samples, groups, problems);
    }

    /** The image of {@code record}: in the folder, else in its images/ subfolder, else where it would be. */
    private static Optional<Path> resolveImage(Path base, Path labels, LabelRecord record,
            List<DatasetProblem> problems) {
        Path direct = base.resolve(record.image()).normalize();
        Path nested = base.resolve("images").resolve(record.image()).normalize();
        if (!direct.startsWith(base) || !nested.startsWith(base)) {
            problems.add(DatasetProblem.at(labels, record.line(), "image '" + record.image() + "' lies outside "
                    + base));
            return Optional.empty();
        }
        return Optional.of(Files.isRegularFile(direct) || !Files.isRegularFile(nested) ? direct : nested);
    }

    private static DatasetReading generated(DatasetSpec spec, Path workDirectory) throws IOException {
        Path target = workDirectory.resolve(spec.name());
        Files.createDirectories(target);
        List<IqaSample> samples;
        // one generation at a time across JVMs sharing the work directory (multi-node tests on one machine)
        try (FileChannel channel = FileChannel.open(workDirectory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            samples = new DegradationSet(spec.generation().orElseThrow(), spec.name()).generate(spec.images(), target);
        } catch (java.nio.file.NoSuchFileException e) {
            return new DatasetReading(spec, List.of(), Map.of(), List.of(DatasetProblem.of(spec.images(),
                    "source folder not found (dataset " + spec.name() + ")")));
        } catch (IOException e) {
            if (!Files.isDirectory(spec.images()) || e.getMessage() != null && e.getMessage().startsWith("no PNG")) {
                return new DatasetReading(spec, List.of(), Map.of(), List.of(DatasetProblem.of(spec.images(),
                        e.getMessage() + " (dataset " + spec.name() + ")")));
            }
            throw e;
        }
        Map<String, String> groups = new LinkedHashMap<>();
        for (IqaSample sample : samples) {
            groups.put(sample.id(), DegradationSet.sourceImage(sample));
        }
        return new DatasetReading(spec, samples, groups, List.of());
    }
}
