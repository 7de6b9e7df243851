package visq.actors.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import visq.actors.coordinator.TrainingData;
import visq.actors.rollout.PromptRef;
import visq.gpu.data.DatasetReader;
import visq.gpu.data.DatasetReading;
import visq.gpu.data.DatasetSplit;
import visq.gpu.data.IqaSample;
import visq.gpu.data.SampleCatalogue;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImageTensor;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.tasks.QualityTask;
import visq.gpu.tasks.ResponseTemplates;

/**
 * The training data of the configured datasets ({@code visq.data.datasets}), identical on every node that derives
 * it from the same settings: each dataset read (generated first, if it is generated, under a file lock across JVMs
 * sharing a work directory), checked, and split by its declaration; only training parts train. Loaded once per JVM;
 * a dataset with any problem refuses the whole corpus with one {@link visq.gpu.data.InvalidDatasetsException} that
 * lists every problem of every dataset.
 */
public final class TrainingCorpus {

    /** One dataset's training and held-out samples. */
    public record DatasetParts(String dataset, List<QualityTask> tasks, List<IqaSample> training,
            List<IqaSample> validation) {
        public DatasetParts {
            tasks = List.copyOf(tasks);
            training = List.copyOf(training);
            validation = List.copyOf(validation);
        }
    }

    private static final Map<DataSettings, TrainingCorpus> LOADED = new ConcurrentHashMap<>();

    private final List<DatasetParts> datasets;
    private final SampleCatalogue catalogue;

    private TrainingCorpus(List<DatasetParts> datasets, SampleCatalogue catalogue) {
        this.datasets = List.copyOf(datasets);
        this.catalogue = catalogue;
    }

    /**
     * The corpus of {@code settings}, loaded (and generated if needed) once per JVM. Blocks on file I/O: call it
     * from the main thread or a blocking dispatcher.
     *
     * @throws visq.gpu.data.InvalidDatasetsException listing every problem when a dataset cannot be used
     */
    public static TrainingCorpus load(DataSettings settings) {
        return LOADED.computeIfAbsent(settings, TrainingCorpus::build);
    }

    private static TrainingCorpus build(DataSettings settings) {
        try {
            List<DatasetReading> readings = DatasetReader.readAll(settings.datasets(), settings.workDirectory(),
                    settings.configurationProblems());
            List<DatasetParts> parts = new ArrayList<>();
            List<IqaSample> training = new ArrayList<>();
            for (DatasetReading reading : readings) {
                DatasetSplit.Parts split = reading.split();
                parts.add(new DatasetParts(reading.spec().name(), reading.spec().tasks(), split.training(),
                        split.validation()));
                training.addAll(split.training());
            }
            SampleCatalogue catalogue = new SampleCatalogue(training, settings.preparation(), ImageLimits.defaults(),
                    Math.max(1, training.size()));
            return new TrainingCorpus(parts, catalogue);
        } catch (IOException e) {
            throw new UncheckedIOException("training data could not be prepared: " + e.getMessage(), e);
        }
    }

    /** Every dataset's parts, in configuration order. */
    public List<DatasetParts> datasets() {
        return datasets;
    }

    /** Every training sample, in configuration and file order. */
    public List<IqaSample> trainingSamples() {
        return catalogue.samples();
    }

    /** The preprocessed image of a training sample. */
    public ImageTensor image(String sampleId) {
        return catalogue.tensor(sampleId);
    }

    /** What is known to be true of a training sample. */
    public SampleTruth truth(String sampleId) {
        IqaSample sample = catalogue.sample(sampleId)
                .orElseThrow(() -> new IllegalArgumentException("unknown training sample '" + sampleId + "'"));
        return new SampleTruth(sample.dataset(), sample.normalisedMos(), sample.label());
    }

    /**
     * Prompts per task and dataset: every dataset serving a task gives its training images to it (for the
     * degradation task, those with a degradation label), in configuration order.
     */
    public TrainingData trainingData() {
        Map<QualityTask, List<TrainingData.DatasetPrompts>> prompts = new EnumMap<>(QualityTask.class);
        for (QualityTask task : List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.SCORE_NUMBER)) {
            List<TrainingData.DatasetPrompts> perDataset = new ArrayList<>();
            for (DatasetParts dataset : datasets) {
                if (dataset.tasks().contains(task)) {
                    List<PromptRef> refs = dataset.training().stream()
                            .filter(sample -> task != QualityTask.DEGRADATION || sample.label().isPresent())
                            .map(sample -> new PromptRef(sample.id(), task))
                            .toList();
                    if (!refs.isEmpty()) {
                        perDataset.add(new TrainingData.DatasetPrompts(dataset.dataset(), refs));
                    }
                }
            }
            prompts.put(task, perDataset);
        }
        return new TrainingData(prompts, this::coldStartTarget);
    }

    private String coldStartTarget(PromptRef prompt) {
        SampleTruth truth = truth(prompt.sampleId());
        switch (prompt.task()) {
            case DEGRADATION:
                return ResponseTemplates.degradation(truth.degradation().orElseThrow(() ->
                        new IllegalArgumentException("sample " + prompt.sampleId() + " has no degradation label")));
            case SCORE:
                return ResponseTemplates.score(truth.normalisedMos());
            case SCORE_NUMBER:
                return ResponseTemplates.scoreNumber(truth.normalisedMos());
            default:
                throw new IllegalArgumentException("no cold-start template for task " + prompt.task().id());
        }
    }
}
