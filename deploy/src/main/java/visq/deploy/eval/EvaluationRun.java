package visq.deploy.eval;

import com.typesafe.config.Config;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import visq.actors.cluster.DataSettings;
import visq.actors.cluster.ModelSettings;
import visq.actors.cluster.TrainingCorpus;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;
import visq.actors.router.ServingSampling;
import visq.gpu.data.DatasetProblem;
import visq.gpu.data.DatasetReader;
import visq.gpu.data.DatasetReading;
import visq.gpu.data.DatasetSpec;
import visq.gpu.data.InvalidDatasetsException;
import visq.gpu.data.IqaSample;
import visq.gpu.eval.BaselineRow;
import visq.gpu.eval.DegradationMetrics;
import visq.gpu.eval.DegradationPair;
import visq.gpu.eval.EvaluationReport;
import visq.gpu.eval.LogisticFit;
import visq.gpu.eval.Plots;
import visq.gpu.eval.RationaleAgreement;
import visq.gpu.eval.ReportWriter;
import visq.gpu.eval.ScoreAgreement;
import visq.gpu.eval.ScoreOrientation;
import visq.gpu.eval.TrainingSeries;
import visq.gpu.eval.baselines.BaselineMetrics;
import visq.gpu.eval.baselines.NoReferenceMetric;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.InvalidImageException;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModels;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.rewards.FormatReward;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;
import visq.protocol.artifacts.StepRecord;

/**
 * Evaluates the newest checkpoint through the path the scoring service uses ({@link PolicyAnswering}): by default
 * on the held-out part of every configured dataset ({@code <dataset>-validation}), or on whole labelled sets
 * ({@link #wholeSets}, what {@code visq eval --dataset} reads). Per set: SRCC, KRCC, PLCC raw and fitted of every
 * score task asked, side by side with NIQE and BRISQUE on the same images; for images with degradation labels, class
 * and level accuracy, confusion matrix, rationale agreement and format rate; the parse rate of every task. Writes
 * {@code <set>-evaluation.md/.json}, {@code <set>-scatter.png}, {@code <set>-predictions.csv} (one row per image;
 * an image that is missing or unreadable is a row with its problem, never a stop), the training curves of the run
 * and {@code summary.md}.
 */
public final class EvaluationRun {
    public static final String VALIDATION_SUFFIX = "-validation";
    public static final String CLIVE_VALIDATION = "clive" + VALIDATION_SUFFIX;
    public static final String KODAK_VALIDATION = "kodak-degraded" + VALIDATION_SUFFIX;

    private final Config config;
    private final EvaluationSettings settings;
    private final ProgressLine progress;

    /** An evaluation that shows its progress on {@code progress}. */
    public EvaluationRun(Config config, EvaluationSettings settings, ProgressLine progress) {
        this.config = config;
        this.settings = settings;
        this.progress = progress;
    }

    /** An evaluation that shows no progress. */
    public EvaluationRun(Config config, EvaluationSettings settings) {
        this(config, settings, ProgressLine.on(new PrintStream(OutputStream.nullOutputStream()), false));
    }

    /** Evaluates the held-out part of every configured dataset. */
    public EvaluationSummary run() throws IOException {
        return run(heldOutTargets());
    }

    /** The held-out part of every configured dataset that holds images out, named {@code <dataset>-validation}. */
    public List<EvaluationTarget> heldOutTargets() {
        List<EvaluationTarget> targets = new ArrayList<>();
        for (TrainingCorpus.DatasetParts dataset : TrainingCorpus.load(DataSettings.fromConfig(config)).datasets()) {
            if (!dataset.validation().isEmpty()) {
                targets.add(new EvaluationTarget(dataset.dataset() + VALIDATION_SUFFIX, dataset.validation(),
                        Map.of()));
            }
        }
        return targets;
    }

    /**
     * Whole labelled sets to evaluate, every image of each (no split). A set that cannot be read as declared is
     * refused with every problem of every set; an image that is missing stays, to be reported as a row.
     *
     * @throws InvalidDatasetsException listing every problem other than missing images
     */
    public static List<EvaluationTarget> wholeSets(List<DatasetSpec> specs, Path workDirectory) throws IOException {
        List<DatasetProblem> invalid = new ArrayList<>();
        List<EvaluationTarget> targets = new ArrayList<>();
        for (DatasetSpec spec : specs) {
            DatasetReading reading = DatasetReader.read(spec, workDirectory);
            invalid.addAll(reading.invalidProblems());
            Map<String, String> problems = new HashMap<>();
            for (IqaSample sample : reading.samples()) {
                if (!Files.isRegularFile(sample.image())) {
                    problems.put(sample.id(), "image not found: " + sample.image());
                }
            }
            targets.add(new EvaluationTarget(spec.name(), reading.samples(), problems));
        }
        if (!invalid.isEmpty()) {
            throw new InvalidDatasetsException(invalid);
        }
        return targets;
    }

    /** Evaluates {@code targets} with the newest checkpoint's weights. */
    public EvaluationSummary run(List<EvaluationTarget> targets) throws IOException {
        EncodedWeights weights;
        try {
            weights = CheckpointWriter.readLatestWeights(settings.checkpointDirectory());
        } catch (NoSuchFileException e) {
            throw new IOException("no checkpoint in " + settings.checkpointDirectory() + " (run ./visq train first)",
                    e);
        }
        ImagePreparation preprocessor = DataSettings.fromConfig(config).preparation();
        ServingSampling serving = ServingSampling.fromConfig(config);
        try (PolicyModel model = PolicyModels.create(ModelSettings.fromConfig(config), "cpu")) {
            model.importWeights(weights);
            model.setWeightVersion(weights.version());
            List<NoReferenceMetric> priors = model instanceof CompactVisionLanguagePolicy compact
                    ? compact.qualityPrior().map(prior -> List.<NoReferenceMetric>of(
                            new QualityPriorMetric(prior, preprocessor))).orElse(List.of())
                    : List.of();
            List<DegradationBaseline> degradationPriors = model instanceof CompactVisionLanguagePolicy compact
                    ? compact.degradationPrior().map(prior -> List.<DegradationBaseline>of(
                            new DegradationPriorBaseline(prior, preprocessor))).orElse(List.of())
                    : List.of();
            EvaluationSummary summary = evaluate(targets,
                    new PolicyAnswering(model, preprocessor, settings.decoding(), serving), priors,
                    degradationPriors);
            writeTrainingCurves();
            return summary;
        }
    }

    /** Evaluates {@code targets} with {@code answering}; writes every report, plot and the summary. */
    public EvaluationSummary evaluate(List<EvaluationTarget> targets, ImageAnswering answering) throws IOException {
        return evaluate(targets, answering, List.of(), List.of());
    }

    /**
     * Evaluates {@code targets} with {@code answering}, with NIQE, BRISQUE and then {@code extraBaselines} as baseline
     * rows and {@code degradationBaselines} beside the degradation answers; writes every report, plot and the summary.
     */
    EvaluationSummary evaluate(List<EvaluationTarget> targets, ImageAnswering answering,
            List<NoReferenceMetric> extraBaselines, List<DegradationBaseline> degradationBaselines)
            throws IOException {
        Files.createDirectories(settings.outputDirectory());
        BaselineMetrics baselines = BaselineMetrics.withParameters(
                DataSettings.fromConfig(config).sharedDirectory().resolve("data/params"));
        List<NoReferenceMetric> metrics = new ArrayList<>(
                List.of(baselines.noReference("niqe"), baselines.noReference("brisque")));
        metrics.addAll(extraBaselines);
        List<DatasetEvaluation> results = new ArrayList<>();
        for (EvaluationTarget target : targets) {
            results.add(evaluate(target, answering, metrics, degradationBaselines));
        }
        EvaluationSummary summary = new EvaluationSummary(answering.weightVersion(), settings.decoding().describe()
                + " decoding, answers " + (answering.constrainsAnswers() ? "constrained" : "unconstrained"), results);
        Files.writeString(settings.outputDirectory().resolve("summary.md"), summary.markdown());
        return summary;
    }

    private DatasetEvaluation evaluate(EvaluationTarget target, ImageAnswering answering,
            List<NoReferenceMetric> metrics, List<DegradationBaseline> degradationBaselines) throws IOException {
        List<IqaSample> samples = target.samples();
        if (settings.maxImages() > 0 && samples.size() > settings.maxImages()) {
            samples = samples.subList(0, settings.maxImages());
        }
        List<QualityTask> scoreTasks = settings.scoreTasks();
        List<PredictionRow> rows = new ArrayList<>(samples.size());
        progress.start(target.name(), samples.size());
        for (int i = 0; i < samples.size(); i++) {
            IqaSample sample = samples.get(i);
            PredictionRow row = new PredictionRow(sample);
            rows.add(row);
            Optional<BufferedImage> image = decode(sample, target, row);
            if (image.isPresent()) {
                for (QualityTask task : scoreTasks) {
                    row.answers.put(task, answering.answer(sample.id(), image.get(), task, i));
                }
                for (NoReferenceMetric metric : metrics) {
                    row.baselines.put(metric.name(), baseline(metric, image.get()));
                }
                if (settings.asksDegradation() && sample.label().isPresent()) {
                    ImageAnswer answer = answering.answer(sample.id(), image.get(), QualityTask.DEGRADATION, i);
                    row.answers.put(QualityTask.DEGRADATION, answer);
                    row.degradationAnswer = AnswerParser.qInsightDegradation(answer.responses().get(0)).answer()
                            .flatMap(ParsedDegradation.Answer::label);
                    for (DegradationBaseline baseline : degradationBaselines) {
                        row.baselineLabels.put(baseline.name(), baseline.labelOf(image.get()));
                    }
                }
            }
            progress.advance();
        }
        return measure(target.name(), rows, scoreTasks, metrics, degradationBaselines, answering);
    }

    private DatasetEvaluation measure(String name, List<PredictionRow> rows, List<QualityTask> scoreTasks,
            List<NoReferenceMetric> metrics, List<DegradationBaseline> degradationBaselines,
            ImageAnswering answering) throws IOException {
        List<PredictionRow> evaluated = rows.stream().filter(PredictionRow::evaluated).toList();
        Map<QualityTask, ScoreAgreement> agreements = new LinkedHashMap<>();
        Map<QualityTask, ParseCount> parsed = new EnumMap<>(QualityTask.class);
        double[] headlineScores = new double[0];
        double[] headlineMos = new double[0];
        for (QualityTask task : scoreTasks) {
            List<PredictionRow> answered = evaluated.stream().filter(r -> r.answers.get(task).parsed()).toList();
            double[] scores = answered.stream().mapToDouble(r -> r.answers.get(task).score()).toArray();
            double[] mos = answered.stream().mapToDouble(r -> r.sample.normalisedMos()).toArray();
            agreements.put(task, ScoreAgreement.ofOrUndefined(scores, mos));
            parsed.put(task, new ParseCount(answered.size(), evaluated.size()));
            if (task == scoreTasks.get(0)) {
                headlineScores = scores;
                headlineMos = mos;
            }
        }
        List<BaselineRow> baselineRows = new ArrayList<>();
        Map<String, Integer> baselineImages = new LinkedHashMap<>();
        for (NoReferenceMetric metric : metrics) {
            List<PredictionRow> scored = evaluated.stream()
                    .filter(r -> Double.isFinite(r.baselines.get(metric.name()))).toList();
            ScoreOrientation orientation = metric.higherIsBetter() ? ScoreOrientation.HIGHER_IS_BETTER
                    : ScoreOrientation.LOWER_IS_BETTER;
            double[] values = scored.stream().mapToDouble(r -> r.baselines.get(metric.name())).toArray();
            double[] mos = scored.stream().mapToDouble(r -> r.sample.normalisedMos()).toArray();
            baselineRows.add(new BaselineRow(metric.name(), orientation,
                    ScoreAgreement.ofOrUndefined(orientation.orient(values), mos)));
            baselineImages.put(metric.name(), scored.size());
        }
        List<PredictionRow> degraded = evaluated.stream()
                .filter(r -> r.answers.containsKey(QualityTask.DEGRADATION)).toList();
        Optional<DegradationMetrics> degradation = Optional.empty();
        Map<String, DegradationMetrics> baselineDegradation = new LinkedHashMap<>();
        OptionalDouble rationale = OptionalDouble.empty();
        OptionalDouble formatRate = OptionalDouble.empty();
        if (!degraded.isEmpty()) {
            List<DegradationPair> pairs = new ArrayList<>();
            List<RationaleAgreement.Rationale> rationales = new ArrayList<>();
            int formatted = 0;
            for (PredictionRow row : degraded) {
                String response = row.answers.get(QualityTask.DEGRADATION).responses().get(0);
                formatted += FormatReward.Q_INSIGHT_STRICT.reward(response) == 1.0 ? 1 : 0;
                pairs.add(new DegradationPair(row.sample.label().orElseThrow(), row.degradationAnswer));
                rationales.add(RationaleAgreement.of(response,
                        row.degradationAnswer.flatMap(DegradationLabel::degradationClass)));
            }
            degradation = Optional.of(DegradationMetrics.of(pairs));
            for (DegradationBaseline baseline : degradationBaselines) {
                baselineDegradation.put(baseline.name(), DegradationMetrics.of(degraded.stream()
                        .map(row -> new DegradationPair(row.sample.label().orElseThrow(),
                                Optional.of(row.baselineLabels.get(baseline.name()))))
                        .toList()));
            }
            rationale = RationaleAgreement.rate(rationales);
            formatRate = OptionalDouble.of((double) formatted / degraded.size());
            parsed.put(QualityTask.DEGRADATION, new ParseCount(
                    (int) degraded.stream().filter(r -> r.answers.get(QualityTask.DEGRADATION).parsed()).count(),
                    degraded.size()));
        }
        ScoreAgreement headline = scoreTasks.isEmpty() ? ScoreAgreement.ofOrUndefined(new double[0], new double[0])
                : agreements.get(scoreTasks.get(0));
        int parseFailures = scoreTasks.isEmpty() ? 0 : evaluated.size() - parsed.get(scoreTasks.get(0)).parsed();
        EvaluationReport report = new EvaluationReport(name, evaluated.size(), answering.weightVersion(),
                answering.modelId(), settings.decoding(), headline, baselineRows, degradation, parseFailures,
                rationale);
        ReportWriter.write(report, settings.outputDirectory());
        if (headlineScores.length >= 3) {
            Plots.writeScatterWithFit(settings.outputDirectory().resolve(name + "-scatter.png"),
                    name + ": predicted score vs normalised MOS (v" + answering.weightVersion() + ")", headlineScores,
                    headlineMos, LogisticFit.fit(headlineScores, headlineMos), 900, 650);
        }
        List<QualityTask> asked = new ArrayList<>(scoreTasks);
        if (!degraded.isEmpty()) {
            asked.add(QualityTask.DEGRADATION);
        }
        PredictionsCsv.write(settings.outputDirectory().resolve(name + "-predictions.csv"), rows, asked,
                metrics.stream().map(NoReferenceMetric::name).toList());
        return new DatasetEvaluation(report, agreements, parsed, baselineImages, baselineDegradation, formatRate,
                rows.size() - evaluated.size());
    }

    /** The decoded image, or empty with the row's problem set (missing, unreadable, not an image). */
    private static Optional<BufferedImage> decode(IqaSample sample, EvaluationTarget target, PredictionRow row) {
        String known = target.problems().get(sample.id());
        if (known != null) {
            row.problem = known;
            return Optional.empty();
        }
        try {
            return Optional.of(ImageDecoder.decode(sample.image(), ImageLimits.defaults()));
        } catch (NoSuchFileException e) {
            row.problem = "image not found: " + sample.image();
        } catch (IOException e) {
            row.problem = "image unreadable: " + e.getMessage();
        } catch (InvalidImageException e) {
            row.problem = "invalid image: " + e.getMessage();
        }
        return Optional.empty();
    }

    /** The baseline's score of {@code image}, or NaN when it cannot score it (too small, flat). */
    private static double baseline(NoReferenceMetric metric, BufferedImage image) {
        try {
            double value = metric.score(image);
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    private void writeTrainingCurves() throws IOException {
        if (!Files.exists(settings.checkpointDirectory().resolve(TrainingHistory.FILE))) {
            return;
        }
        List<StepRecord> history = TrainingHistory.read(settings.checkpointDirectory());
        List<StepRecord> grpo = history.stream().filter(r -> r.getPhase().equals("GRPO")).toList();
        List<StepRecord> coldStart = history.stream().filter(r -> r.getPhase().equals("COLD_START")).toList();
        List<TrainingSeries> series = new ArrayList<>();
        series.add(series("cold-start loss (token NLL)", coldStart, StepRecord::getLoss));
        series.add(series("reward mean", grpo, StepRecord::getRewardMean));
        series.add(series("format rate", grpo, StepRecord::getFormatRate));
        series.add(series("KL to reference", grpo, StepRecord::getKl));
        series.add(series("score std across K samples", grpo, StepRecord::getScoreStd));
        series.removeIf(s -> s.steps().length == 0);
        if (!series.isEmpty()) {
            Plots.writeTrainingCurves(settings.outputDirectory().resolve("training-curves.png"), "Training curves",
                    series, 1100, 800);
        }
    }

    private static TrainingSeries series(String name, List<StepRecord> records,
            java.util.function.ToDoubleFunction<StepRecord> value) {
        return new TrainingSeries(name, records.stream().mapToDouble(StepRecord::getStep).toArray(),
                records.stream().mapToDouble(value).toArray());
    }
}
