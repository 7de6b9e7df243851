package visq.actors.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import visq.actors.coordinator.TrainingData;
import visq.actors.reward.SampleTruth;
import visq.actors.rollout.PromptRef;
import visq.gpu.data.DatasetSplit;
import visq.gpu.data.DegradationSet;
import visq.gpu.data.IqaDatasetReader;
import visq.gpu.data.IqaSample;
import visq.gpu.data.SampleCatalogue;
import visq.gpu.image.ImageLimits;

import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.QualityTask;
import visq.gpu.tasks.ResponseTemplates;

/**
 * The embedded default's training data, identical on every node that derives it from the same
 * settings: degraded Kodak crops with exact labels (degradation task) and the CLIVE development split
 * (score tasks), each split by source image with a fixed seed; only training parts are used here.
 * Generation happens once per JVM and under a file lock across JVMs sharing a work directory.
 */
public final class TrainingCorpus {
    public static final String KODAK_DATASET = "kodak-degraded";
    public static final String CLIVE_DATASET = "clive";

    private static final Map<DataSettings, TrainingCorpus> LOADED = new ConcurrentHashMap<>();

    private final List<IqaSample> degradationSamples;
    private final List<IqaSample> scoreSamples;
    private final List<IqaSample> degradationValidation;
    private final List<IqaSample> scoreValidation;
    private final SampleCatalogue catalogue;

    private TrainingCorpus(DatasetSplit.Parts degradation, List<IqaSample> scoreSamples, List<IqaSample> scoreValidation,
            SampleCatalogue catalogue) {
        this.degradationSamples = List.copyOf(degradation.training());
        this.degradationValidation = List.copyOf(degradation.validation());
        this.scoreSamples = List.copyOf(scoreSamples);
        this.scoreValidation = List.copyOf(scoreValidation);
        this.catalogue = catalogue;
    }

    /** The corpus of {@code settings}, loaded (and generated if needed) once per JVM. */
    public static TrainingCorpus load(DataSettings settings) {
        return LOADED.computeIfAbsent(settings, TrainingCorpus::build);
    }

    private static TrainingCorpus build(DataSettings settings) {
        try {
            DatasetSplit split = new DatasetSplit(settings.seed(), settings.validationFraction());
            List<IqaSample> degraded = generateLocked(settings);
            DatasetSplit.Parts degradation = split.split(degraded, DegradationSet::sourceImage);
            List<IqaSample> degradationTraining = degradation.training();
            Path clive = settings.sharedDirectory().resolve("data/clive");
            DatasetSplit.Parts cliveParts =
                    split.split(IqaDatasetReader.read(clive, "mos.csv", CLIVE_DATASET), DatasetSplit::byImage);
            List<IqaSample> cliveTraining = cliveParts.training();
            if (settings.cliveImages() > 0 && cliveTraining.size() > settings.cliveImages()) {
                cliveTraining = cliveTraining.subList(0, settings.cliveImages());
            }
            List<IqaSample> all = new ArrayList<>(degradationTraining);
            all.addAll(cliveTraining);
            SampleCatalogue catalogue = new SampleCatalogue(all,
                    settings.preparation(), ImageLimits.defaults(),
                    all.size());
            return new TrainingCorpus(degradation, cliveTraining, cliveParts.validation(), catalogue);
        } catch (IOException e) {
            throw new UncheckedIOException("training data could not be prepared from " + settings.sharedDirectory()
                    + ": " + e.getMessage(), e);
        }
    }

    private static List<IqaSample> generateLocked(DataSettings settings) throws IOException {
        Path target = settings.workDirectory().resolve("kodak-degraded");
        Files.createDirectories(target);
        try (FileChannel channel = FileChannel.open(settings.workDirectory().resolve(".generation.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            DegradationSet set = new DegradationSet(new DegradationSet.Settings(settings.seed(), settings.kodakSources(),
                    settings.cropsPerSource(), 256));
            return set.generate(settings.sharedDirectory().resolve("data/kodak"), target);
        }
    }

    /** Held-out degraded Kodak crops: their source images never appear in training. */
    public List<IqaSample> degradationValidation() {
        return degradationValidation;
    }

    /** The held-out part of the CLIVE development split (split by image with the data seed). */
    public List<IqaSample> scoreValidation() {
        return scoreValidation;
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

    /** Prompts per task: degradation on the Kodak set, both score tasks on CLIVE. */
    public TrainingData trainingData() {
        Map<QualityTask, List<PromptRef>> prompts = new EnumMap<>(QualityTask.class);
        prompts.put(QualityTask.DEGRADATION, refs(degradationSamples, QualityTask.DEGRADATION));
        prompts.put(QualityTask.SCORE, refs(scoreSamples, QualityTask.SCORE));
        prompts.put(QualityTask.SCORE_NUMBER, refs(scoreSamples, QualityTask.SCORE_NUMBER));
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

    private static List<PromptRef> refs(List<IqaSample> samples, QualityTask task) {
        return samples.stream().map(sample -> new PromptRef(sample.id(), task)).toList();
    }
}
