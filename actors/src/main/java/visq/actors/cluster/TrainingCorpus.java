package visq.actors.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import visq.actors.coordinator.ColdStartTargets;
import visq.actors.coordinator.TrainingData;
import visq.actors.coordinator.TrainingRecipe;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.SeedMixer;
import visq.gpu.data.DatasetFormat;
import visq.gpu.data.DatasetReader;
import visq.gpu.data.DatasetReading;
import visq.gpu.data.DatasetSplit;
import visq.gpu.data.IqaSample;
import visq.gpu.data.SampleCatalogue;
import visq.gpu.data.SeverityBlocks;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImageTensor;
import visq.gpu.rewards.SampleTruth;
import visq.gpu.tasks.QualityTask;
import visq.gpu.tasks.RandomAnswers;
import visq.gpu.tasks.ResponseTemplates;

/**
 * The training data of the configured datasets ({@code visq.data.datasets}), identical on every node that derives
 * it from the same settings: each dataset read (generated first, if it is generated, under a file lock across JVMs
 * sharing a work directory), checked, and split by its declaration; only training parts train. Loaded once per JVM;
 * a dataset with any problem refuses the whole corpus with one {@link visq.gpu.data.InvalidDatasetsException} that
 * lists every problem of every dataset. With {@code visq.data.prepare-ahead-threads} above 0 every training image is
 * prepared in the background from the moment the corpus is loaded.
 */
public final class TrainingCorpus {

    /** One dataset's training and held-out samples. */
    public record DatasetParts(String dataset, DatasetFormat format, List<QualityTask> tasks,
            List<IqaSample> training, List<IqaSample> validation) {
        public DatasetParts {
            tasks = List.copyOf(tasks);
            training = List.copyOf(training);
            validation = List.copyOf(validation);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainingCorpus.class);
    private static final Map<DataSettings, TrainingCorpus> LOADED = new ConcurrentHashMap<>();

    private final List<DatasetParts> datasets;
    private final SampleCatalogue catalogue;
    private final AtomicBoolean preparingAhead = new AtomicBoolean();

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
                parts.add(new DatasetParts(reading.spec().name(), reading.spec().format(), reading.spec().tasks(),
                        split.training(), split.validation()));
                training.addAll(split.training());
            }
            SampleCatalogue catalogue = new SampleCatalogue(training, settings.preparation(), ImageLimits.defaults(),
                    Math.max(1, training.size()));
            return new TrainingCorpus(parts, catalogue);
        } catch (IOException e) {
            throw new UncheckedIOException("training data could not be prepared: " + e.getMessage(), e);
        }
    }

    /**
     * Prepares every training image on {@code threads} background threads (0: none, each image on first use), once
     * per corpus: the node that trains or generates on it asks, and a second node of this JVM asking too changes
     * nothing. Readers that only need the splits ({@code visq eval}) never ask.
     */
    public void prepareAhead(int threads) {
        boolean anyTraining = datasets.stream().anyMatch(dataset -> !dataset.training().isEmpty());
        if (threads > 0 && anyTraining && preparingAhead.compareAndSet(false, true)) {
            catalogue.prepareAhead(threads, LOG::info);
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

    /**
     * What is known to be true of a training sample; the scores of a generated degradation set are its severity
     * proxy, which only orders (ranking-only).
     */
    public SampleTruth truth(String sampleId) {
        IqaSample sample = catalogue.sample(sampleId)
                .orElseThrow(() -> new IllegalArgumentException("unknown training sample '" + sampleId + "'"));
        boolean rankingOnly = datasets.stream().anyMatch(dataset -> dataset.dataset().equals(sample.dataset())
                && dataset.format() == DatasetFormat.GENERATED);
        return new SampleTruth(sample.dataset(), sample.normalisedMos(), sample.label(), rankingOnly);
    }

    /**
     * Prompts per task and dataset for a run of {@code settings}: every dataset serving a task gives its training
     * images to it (for the degradation task, those with a degradation label), in configuration order.
     *
     * <p>A generated degradation set serving a score task gives them as ranking blocks ({@link SeverityBlocks}, one
     * GRPO step's prompts each): its scores are a severity proxy that only orders crops of one source and class, so
     * only a reward that compares scores within the step's batch learns from them (the fidelity reward: score-number's
     * own, and the score task's for ranking blocks, {@code QInsightRankingScoreReward}). The cold
     * start skips them when the task has other datasets ({@code PromptPlans}); when it has none, it writes randomly
     * drawn scores for them (the answer format only), never their proxy.
     *
     * <p>Cold-start targets are as {@code settings.recipe()} writes them: the true labels, or for
     * {@link TrainingRecipe#RL_FIRST} labels drawn at random from the seed, the step and the prompt.
     */
    public TrainingData trainingData(TrainingSettings settings) {
        Map<QualityTask, List<TrainingData.DatasetPrompts>> prompts = new EnumMap<>(QualityTask.class);
        Set<String> ranked = new HashSet<>();
        for (QualityTask task : List.of(QualityTask.DEGRADATION, QualityTask.SCORE, QualityTask.SCORE_NUMBER)) {
            List<TrainingData.DatasetPrompts> perDataset = new ArrayList<>();
            for (DatasetParts dataset : datasets) {
                if (!dataset.tasks().contains(task) || dataset.training().isEmpty()) {
                    continue;
                }
                if (task != QualityTask.DEGRADATION && dataset.format() == DatasetFormat.GENERATED) {
                    if (!settings.tasks().contains(task)) {
                        continue; // blocks are sized by the run's prompts per step: only for a task it trains
                    }
                    int block = settings.promptsPerStep();
                    List<PromptRef> refs = new ArrayList<>();
                    try {
                        SeverityBlocks.of(dataset.training(), block, SeedMixer.mix(settings.seed(), task.ordinal()))
                                .forEach(b -> b.forEach(sample -> refs.add(new PromptRef(sample.id(), task))));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("dataset " + dataset.dataset() + " serves task " + task.id()
                                + " as ranking blocks of visq.training.prompts-per-step = " + block + " crops: "
                                + e.getMessage() + "; lower prompts-per-step, or leave " + task.id()
                                + " out of the dataset's tasks (visq.data.datasets)", e);
                    }
                    perDataset.add(new TrainingData.DatasetPrompts(dataset.dataset(), refs, block));
                    ranked.add(dataset.dataset());
                    continue;
                }
                List<PromptRef> refs = dataset.training().stream()
                        .filter(sample -> task != QualityTask.DEGRADATION || sample.label().isPresent())
                        .map(sample -> new PromptRef(sample.id(), task))
                        .toList();
                if (!refs.isEmpty()) {
                    perDataset.add(new TrainingData.DatasetPrompts(dataset.dataset(), refs));
                }
            }
            prompts.put(task, perDataset);
        }
        long seed = settings.seed();
        ColdStartTargets random = (prompt, step) -> RandomAnswers.target(prompt.task(), new SplittableRandom(
                SeedMixer.mix(SeedMixer.mix(SeedMixer.mix(seed, step), prompt.sampleId().hashCode()),
                        prompt.task().ordinal())));
        ColdStartTargets targets = settings.recipe() == TrainingRecipe.RL_FIRST ? random
                : (prompt, step) -> prompt.task() != QualityTask.DEGRADATION
                        && ranked.contains(truth(prompt.sampleId()).dataset())
                        ? random.target(prompt, step) : coldStartTarget(prompt);
        return new TrainingData(prompts, targets);
    }

    private String coldStartTarget(PromptRef prompt) {
        SampleTruth truth = truth(prompt.sampleId());
        return ResponseTemplates.forTask(prompt.task(), () -> truth.degradation().orElseThrow(() ->
                new IllegalArgumentException("sample " + prompt.sampleId() + " has no degradation label")),
                truth::normalisedMos);
    }
}
