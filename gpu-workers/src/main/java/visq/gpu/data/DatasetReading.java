package visq.gpu.data;

import java.util.List;
import java.util.Map;

/**
 * A dataset as read: its samples in file order (an entry whose image is missing is kept, with a
 * {@link DatasetProblem.Kind#MISSING_IMAGE} problem), the group each sample is split with, and every problem found.
 */
public record DatasetReading(DatasetSpec spec, List<IqaSample> samples, Map<String, String> groups,
        List<DatasetProblem> problems) {

    public DatasetReading {
        samples = List.copyOf(samples);
        groups = Map.copyOf(groups);
        problems = List.copyOf(problems);
    }

    /** Problems that make the dataset unusable even for evaluation (all but missing images). */
    public List<DatasetProblem> invalidProblems() {
        return problems.stream().filter(p -> p.kind() == DatasetProblem.Kind.INVALID).toList();
    }

    /**
     * The training and held-out samples by the spec's split: {@link SplitMode#HELD_OUT} splits the groups with the
     * spec's seed and validation fraction ({@link DatasetSplit}); the training part is then cut to
     * {@code maxTrainingImages} when that is set.
     */
    public DatasetSplit.Parts split() {
        DatasetSplit.Parts parts;
        switch (spec.split()) {
            case TRAIN:
                parts = new DatasetSplit.Parts(samples, List.of());
                break;
            case EVAL:
                return new DatasetSplit.Parts(List.of(), samples);
            default:
                parts = new DatasetSplit(spec.seed(), spec.validationFraction()).split(samples,
                        sample -> groups.get(sample.id()));
        }
        List<IqaSample> training = parts.training();
        if (spec.maxTrainingImages() > 0 && training.size() > spec.maxTrainingImages()) {
            training = training.subList(0, spec.maxTrainingImages());
        }
        return new DatasetSplit.Parts(training, parts.validation());
    }
}
