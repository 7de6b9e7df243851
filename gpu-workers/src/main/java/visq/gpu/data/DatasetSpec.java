package visq.gpu.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import visq.gpu.tasks.QualityTask;

/**
 * One dataset as configured ({@code visq.data.datasets}): where its images and labels are, how the labels are
 * written, its MOS range, the tasks it serves and how it is split.
 *
 * @param name the dataset id: sample ids are {@code <name>/<image>}, reports are named after it; letters, digits,
 *     {@code .}, {@code _} and {@code -}
 * @param format how the labels are written
 * @param images the folder the labels' image paths are relative to (also tried: its {@code images/} subfolder);
 *     for {@link DatasetFormat#GENERATED}, the folder of pristine source PNGs
 * @param labels the labels file; empty for {@link DatasetFormat#GENERATED}
 * @param mosRange the declared MOS range (a score outside it is a problem); empty: the range the scores span
 * @param tasks the tasks the dataset's training images serve
 * @param split which images train and which are held out
 * @param seed the split's (and a generated set's) seed
 * @param validationFraction the share of groups held out by {@link SplitMode#HELD_OUT}
 * @param maxTrainingImages at most this many training images, first in file order after the split (0 = all)
 * @param generation what to generate, for {@link DatasetFormat#GENERATED}
 */
public record DatasetSpec(String name, DatasetFormat format, Path images, Optional<Path> labels,
        Optional<MosScale> mosRange, List<QualityTask> tasks, SplitMode split, long seed, double validationFraction,
        int maxTrainingImages, Optional<DegradationSet.Settings> generation) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public DatasetSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(mosRange, "mosRange");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(generation, "generation");
        tasks = List.copyOf(tasks);
        if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("dataset name '" + name + "' must be letters, digits, '.', '_' or '-'"
                    + " and not start with '.'");
        }
        if (format == DatasetFormat.GENERATED ? generation.isEmpty() || labels.isPresent() : labels.isEmpty()) {
            throw new IllegalArgumentException("dataset " + name + ": format " + format.id() + (format
                    == DatasetFormat.GENERATED ? " generates its labels (no labels file, generation settings needed)"
                    : " needs a labels file"));
        }
        if (mosRange.isPresent() && !(mosRange.get().max() > mosRange.get().min())) {
            throw new IllegalArgumentException("dataset " + name + ": mos-range " + mosRange.get()
                    + " needs min < max");
        }
        if (tasks.contains(QualityTask.COMPARISON)) {
            throw new IllegalArgumentException("dataset " + name + ": the comparison task is zero-shot; "
                    + "datasets serve degradation, score and score-number");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("dataset " + name + ": validation-fraction must be in [0, 1), got "
                    + validationFraction);
        }
        if (maxTrainingImages < 0) {
            throw new IllegalArgumentException("dataset " + name + ": max-training-images must be >= 0, got "
                    + maxTrainingImages);
        }
    }

    /** A labelled set to evaluate whole (no split, nothing trains): what {@code visq eval --dataset} reads. */
    public static DatasetSpec forEvaluation(String name, DatasetFormat format, Path images, Path labels) {
        return new DatasetSpec(name, format, images, Optional.of(labels), Optional.empty(),
                List.of(QualityTask.SCORE, QualityTask.SCORE_NUMBER), SplitMode.EVAL, 0, 0, 0, Optional.empty());
    }

    public DatasetSpec withMosRange(MosScale range) {
        return new DatasetSpec(name, format, images, labels, Optional.of(range), tasks, split, seed,
                validationFraction, maxTrainingImages, generation);
    }

    public DatasetSpec withTasks(List<QualityTask> newTasks) {
        return new DatasetSpec(name, format, images, labels, mosRange, newTasks, split, seed, validationFraction,
                maxTrainingImages, generation);
    }

    public DatasetSpec withSplit(SplitMode newSplit, long newSeed, double newValidationFraction) {
        return new DatasetSpec(name, format, images, labels, mosRange, tasks, newSplit, newSeed,
                newValidationFraction, maxTrainingImages, generation);
    }

    /** Whether the dataset serves a score task (so every entry needs a MOS). */
    public boolean servesScores() {
        return tasks.contains(QualityTask.SCORE) || tasks.contains(QualityTask.SCORE_NUMBER);
    }
}
