package visq.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import visq.gpu.data.DatasetFormat;
import visq.gpu.data.DatasetProblem;
import visq.gpu.data.DatasetSpec;
import visq.gpu.data.DegradationSet;
import visq.gpu.data.MosScale;
import visq.gpu.data.SplitMode;
import visq.gpu.image.ImagePreparation;
import visq.gpu.tasks.QualityTask;

/**
 * Typed settings of the training data, read once from {@code visq.data}: the datasets of {@code visq.data.datasets}
 * (each entry a {@link DatasetSpec}), and the images prepared as the model ({@code visq.model}) needs them.
 *
 * <p>An entry that cannot be read as declared (an unknown format, task, split or key, a missing name or path, a
 * value of the wrong type) does not stop the reading: it becomes a {@link DatasetProblem} in
 * {@link #configurationProblems()}, so that {@link TrainingCorpus#load} can refuse it together with every problem
 * of the datasets' files. Paths may start with {@code {shared}} ({@code visq.data.shared-dir}) or {@code {work}}
 * ({@code visq.data.work-dir}).
 */
public record DataSettings(Path sharedDirectory, Path workDirectory, long seed, List<DatasetSpec> datasets,
        List<DatasetProblem> configurationProblems, ImagePreparation preparation, int prepareAheadThreads) {

    /** Where preparations keep what is expensive to compute (pretrained image features), under the work dir. */
    public static final String FEATURE_STORE = "feature-store";

    private static final Set<String> KEYS = Set.of("name", "format", "images", "labels", "mos-range", "tasks", "split",
            "seed", "validation-fraction", "max-training-images", "sources", "crops-per-source", "crop-size");
    /** The embedded default's CLIVE entry, whose training images {@code visq.data.clive-images} caps. */
    private static final String CLIVE = "clive";

    public DataSettings {
        datasets = List.copyOf(datasets);
        configurationProblems = List.copyOf(configurationProblems);
        if (prepareAheadThreads < 0) {
            throw new IllegalArgumentException("visq.data.prepare-ahead-threads must be 0 or more, got "
                    + prepareAheadThreads);
        }
    }

    public static DataSettings fromConfig(Config config) {
        Config c = config.getConfig("visq.data");
        DataDirectories directories = DataDirectories.fromConfig(config);
        Path shared = directories.shared();
        Path work = directories.work();
        List<DatasetSpec> datasets = new ArrayList<>();
        List<DatasetProblem> problems = new ArrayList<>();
        List<? extends ConfigObject> entries = c.getObjectList("datasets");
        java.util.Map<String, Integer> names = new java.util.HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Path where = Path.of("visq.data.datasets[" + i + "]");
            List<String> entryProblems = new ArrayList<>();
            Optional<DatasetSpec> spec = entry(entries.get(i), c, shared, work, entryProblems);
            if (spec.isPresent()) {
                Integer first = names.putIfAbsent(spec.get().name(), i);
                if (first != null) {
                    entryProblems.add("name '" + spec.get().name() + "' is already used by visq.data.datasets["
                            + first + "]");
                    spec = Optional.empty();
                }
            }
            entryProblems.forEach(problem -> problems.add(new DatasetProblem(where, 0, problem,
                    DatasetProblem.Kind.INVALID)));
            spec.ifPresent(datasets::add);
        }
        if (entries.isEmpty()) {
            problems.add(new DatasetProblem(Path.of("visq.data.datasets"), 0, "lists no dataset",
                    DatasetProblem.Kind.INVALID));
        }
        return new DataSettings(shared, work, c.getLong("seed"), datasets, problems,
                ModelSettings.fromConfig(config).imagePreparation().storingUnder(work.resolve(FEATURE_STORE)),
                c.getInt("prepare-ahead-threads"));
    }

    /** The dataset an entry declares, or empty with its problems added. */
    private static Optional<DatasetSpec> entry(ConfigObject object, Config data, Path shared, Path work,
            List<String> problems) {
        Config entry = object.toConfig();
        for (String key : object.keySet()) {
            if (!KEYS.contains(key)) {
                problems.add("unknown key '" + key + "' (an entry has " + String.join(", ",
                        new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        String name = string(entry, "name", "", problems).orElse(null);
        String label = name == null ? "" : "dataset " + name + ": ";
        Optional<DatasetFormat> format = string(entry, "format", label, problems).flatMap(id -> {
            Optional<DatasetFormat> known = DatasetFormat.fromId(id);
            if (known.isEmpty()) {
                problems.add(label + "unknown format '" + id + "' (one of " + DatasetFormat.ids() + ")");
            }
            return known;
        });
        Optional<Path> images = string(entry, "images", label, problems).map(p -> path(p, shared, work));
        boolean generated = format.isPresent() && format.get() == DatasetFormat.GENERATED;
        Optional<Path> labels = Optional.empty();
        if (entry.hasPath("labels")) {
            labels = string(entry, "labels", label, problems).map(p -> path(p, shared, work));
        } else if (format.isPresent() && !generated) {
            problems.add(label + "no labels file (key 'labels')");
        }
        List<QualityTask> tasks = tasks(entry, format, label, problems);
        SplitMode split = SplitMode.HELD_OUT;
        if (entry.hasPath("split")) {
            Optional<String> id = string(entry, "split", label, problems);
            Optional<SplitMode> mode = id.flatMap(SplitMode::fromId);
            if (id.isPresent() && mode.isEmpty()) {
                problems.add(label + "unknown split '" + id.get() + "' (one of " + SplitMode.ids() + ")");
            }
            split = mode.orElse(SplitMode.HELD_OUT);
        }
        Optional<MosScale> range = Optional.empty();
        if (entry.hasPath("mos-range")) {
            try {
                List<Double> bounds = entry.getDoubleList("mos-range");
                if (bounds.size() != 2 || !(bounds.get(0) < bounds.get(1))) {
                    problems.add(label + "mos-range must be [min, max] with min < max, got " + bounds);
                } else {
                    range = Optional.of(new MosScale(bounds.get(0), bounds.get(1)));
                }
            } catch (ConfigException e) {
                problems.add(label + "mos-range must be a list of two numbers [min, max]");
            }
        }
        long seed = number(entry, "seed", data.getLong("seed"), label, problems).longValue();
        double fraction = number(entry, "validation-fraction", data.getDouble("validation-fraction"), label,
                problems).doubleValue();
        int cap = number(entry, "max-training-images", CLIVE.equals(name) ? data.getInt("clive-images") : 0, label,
                problems).intValue();
        Optional<DegradationSet.Settings> generation = Optional.empty();
        if (generated) {
            try {
                generation = Optional.of(new DegradationSet.Settings(seed,
                        number(entry, "sources", data.getInt("kodak-sources"), label, problems).intValue(),
                        number(entry, "crops-per-source", data.getInt("crops-per-source"), label, problems).intValue(),
                        number(entry, "crop-size", 256, label, problems).intValue()));
            } catch (IllegalArgumentException e) {
                problems.add(label + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DatasetSpec(name, format.orElseThrow(), images.orElseThrow(), labels, range, tasks,
                    split, seed, fraction, cap, generation));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return Optional.empty();
        }
    }

    private static List<QualityTask> tasks(Config entry, Optional<DatasetFormat> format, String label,
            List<String> problems) {
        if (!entry.hasPath("tasks")) {
            return format.map(DataSettings::defaultTasks).orElse(List.of());
        }
        List<QualityTask> tasks = new ArrayList<>();
        try {
            for (String id : entry.getStringList("tasks")) {
                Optional<QualityTask> task = QualityTask.fromId(id).filter(t -> t != QualityTask.COMPARISON);
                if (task.isEmpty()) {
                    problems.add(label + "unknown task '" + id + "' (one of degradation, score, score-number)");
                } else {
                    tasks.add(task.get());
                }
            }
        } catch (ConfigException e) {
            problems.add(label + "tasks must be a list of task names");
        }
        return tasks;
    }

    /** What a format serves unless the entry says otherwise. */
    static List<QualityTask> defaultTasks(DatasetFormat format) {
        switch (format) {
            case GENERATED:
                return List.of(QualityTask.DEGRADATION);
            case KADID:
            case TID2013:
                return List.of(QualityTask.SCORE, QualityTask.SCORE_NUMBER, QualityTask.DEGRADATION);
            default:
                return List.of(QualityTask.SCORE, QualityTask.SCORE_NUMBER);
        }
    }

    private static Optional<String> string(Config entry, String key, String label, List<String> problems) {
        if (!entry.hasPath(key)) {
            problems.add(label + "no " + key + " (key '" + key + "')");
            return Optional.empty();
        }
        try {
            String value = entry.getString(key);
            if (value.isBlank()) {
                problems.add(label + key + " is empty");
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (ConfigException e) {
            problems.add(label + key + " must be a string");
            return Optional.empty();
        }
    }

    private static Number number(Config entry, String key, Number fallback, String label, List<String> problems) {
        if (!entry.hasPath(key)) {
            return fallback;
        }
        ConfigValue value = entry.getValue(key);
        if (value.unwrapped() instanceof Number number) {
            return number;
        }
        problems.add(label + key + " must be a number, got " + value.render());
        return fallback;
    }

    private static Path path(String text, Path shared, Path work) {
        if (text.startsWith("{shared}")) {
            return Path.of(shared.toString() + text.substring("{shared}".length()));
        }
        if (text.startsWith("{work}")) {
            return Path.of(work.toString() + text.substring("{work}".length()));
        }
        return Path.of(text);
    }
}
