package visq.deploy.eval;

import com.typesafe.config.Config;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import visq.actors.cluster.DataSettings;
import visq.actors.cluster.ModelSettings;
import visq.actors.cluster.TrainingCorpus;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;
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
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModels;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.rewards.FormatReward;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.tasks.DegradationLabel;
import visq.gpu.tasks.QualityTask;
import visq.protocol.artifacts.StepRecord;

/**
 * Evaluates the newest checkpoint on the held-out splits of the embedded default: CLIVE validation
 * (SRCC, KRCC, PLCC raw and fitted, side by side with NIQE and BRISQUE on the same images) and the
 * held-out degraded Kodak crops (class and level accuracy, confusion matrix, rationale agreement, and
 * score agreement with the severity proxy). Writes Markdown + JSON reports, a scatter plot per dataset,
 * the training curves of the run, and a one-page summary.
 */
public final class EvaluationRun {
    public static final String CLIVE_VALIDATION = "clive-validation";
    public static final String KODAK_VALIDATION = "kodak-degraded-validation";

    private final Config config;
    private final EvaluationSettings settings;

    public EvaluationRun(Config config, EvaluationSettings settings) {
        this.config = config;
        this.settings = settings;
    }

    /** Runs the evaluation; returns the summary. */
    public EvaluationSummary run() throws IOException {
        EncodedWeights weights;
        try {
            weights = CheckpointWriter.readLatestWeights(settings.checkpointDirectory());
        } catch (NoSuchFileException e) {
            throw new IOException("no checkpoint in " + settings.checkpointDirectory() + " (run ./visq train first)", e);
        }
        Files.createDirectories(settings.outputDirectory());
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config));
        BaselineMetrics baselines = BaselineMetrics.withParameters(
                DataSettings.fromConfig(config).sharedDirectory().resolve("data/params"));
        ImagePreparation preprocessor = ModelSettings.fromConfig(config).imagePreparation();
        try (PolicyModel model = PolicyModels.create(ModelSettings.fromConfig(config), "cpu")) {
            model.importWeights(weights);
            model.setWeightVersion(weights.version());
            PolicyAnswering answering =
                    new PolicyAnswering(model, preprocessor, settings.decoding(), settings.maxNewTokens());
            List<NoReferenceMetric> metrics = List.of(baselines.noReference("niqe"), baselines.noReference("brisque"));
            DatasetResult clive = evaluate(CLIVE_VALIDATION, limit(validationOf(corpus, "clive")), answering, metrics,
                    model, false);
            DatasetResult kodak = evaluate(KODAK_VALIDATION, limit(validationOf(corpus, "kodak-degraded")), answering,
                    metrics, model, true);
            writeTrainingCurves();
            EvaluationSummary summary = new EvaluationSummary(weights.version(), settings.decoding().describe(),
                    clive.report(), kodak.report(), kodak.formatRate());
            Files.writeString(settings.outputDirectory().resolve("summary.md"), summary.markdown());
            return summary;
        }
    }

    private static List<IqaSample> validationOf(TrainingCorpus corpus, String dataset) {
        return corpus.datasets().stream().filter(d -> d.dataset().equals(dataset)).findFirst()
                .map(TrainingCorpus.DatasetParts::validation).orElse(List.of());
    }

    private List<IqaSample> limit(List<IqaSample> samples) {
        return settings.maxImages() > 0 && samples.size() > settings.maxImages()
                ? samples.subList(0, settings.maxImages()) : samples;
    }

    private DatasetResult evaluate(String name, List<IqaSample> samples, PolicyAnswering answering,
            List<NoReferenceMetric> metrics, PolicyModel model, boolean withDegradation) throws IOException {
        List<Double> predicted = new ArrayList<>();
        List<Double> predictedMos = new ArrayList<>();
        double[] mos = new double[samples.size()];
        double[][] baselineScores = new double[metrics.size()][samples.size()];
        List<DegradationPair> pairs = new ArrayList<>();
        List<RationaleAgreement.Rationale> rationales = new ArrayList<>();
        int formatted = 0;
        int degradationAnswers = 0;
        int parseFailures = 0;
        for (int i = 0; i < samples.size(); i++) {
            IqaSample sample = samples.get(i);
            BufferedImage image = decode(sample);
            mos[i] = sample.normalisedMos();
            ImageAnswer score = answering.answer(sample.id(), image, settings.scoreTask(), i);
            if (score.parsed()) {
                predicted.add(score.score());
                predictedMos.add(sample.normalisedMos());
            } else {
                parseFailures++;
            }
            for (int m = 0; m < metrics.size(); m++) {
                baselineScores[m][i] = metrics.get(m).score(image);
            }
            if (withDegradation && sample.label().isPresent()) {
                ImageAnswer answer = answering.answer(sample.id(), image, QualityTask.DEGRADATION, i);
                String response = answer.responses().get(0);
                degradationAnswers++;
                formatted += FormatReward.Q_INSIGHT_STRICT.reward(response) == 1.0 ? 1 : 0;
                ParsedDegradation parsed = AnswerParser.qInsightDegradation(response);
                Optional<DegradationLabel> prediction = parsed.answer().flatMap(ParsedDegradation.Answer::label);
                pairs.add(new DegradationPair(sample.label().get(), prediction));
                rationales.add(RationaleAgreement.of(response, prediction.flatMap(DegradationLabel::degradationClass)));
            }
        }
        double[] scores = predicted.stream().mapToDouble(Double::doubleValue).toArray();
        double[] scoredMos = predictedMos.stream().mapToDouble(Double::doubleValue).toArray();
        ScoreAgreement agreement = ScoreAgreement.of(scores, scoredMos);
        List<BaselineRow> rows = new ArrayList<>();
        for (int m = 0; m < metrics.size(); m++) {
            rows.add(BaselineRow.evaluate(metrics.get(m).name(), baselineScores[m],
                    metrics.get(m).higherIsBetter() ? ScoreOrientation.HIGHER_IS_BETTER
                            : ScoreOrientation.LOWER_IS_BETTER, mos));
        }
        EvaluationReport report = new EvaluationReport(name, samples.size(), model.weightVersion(), model.modelId(),
                settings.decoding(), agreement, rows,
                withDegradation ? Optional.of(DegradationMetrics.of(pairs)) : Optional.empty(), parseFailures,
                withDegradation ? RationaleAgreement.rate(rationales) : OptionalDouble.empty());
        ReportWriter.write(report, settings.outputDirectory());
        if (scores.length >= 3) {
            Plots.writeScatterWithFit(settings.outputDirectory().resolve(name + "-scatter.png"),
                    name + ": predicted score vs normalised MOS (v" + model.weightVersion() + ")", scores, scoredMos,
                    LogisticFit.fit(scores, scoredMos), 900, 650);
        }
        double formatRate = degradationAnswers == 0 ? Double.NaN : (double) formatted / degradationAnswers;
        return new DatasetResult(report, formatRate);
    }

    private BufferedImage decode(IqaSample sample) throws IOException {
        try {
            return ImageDecoder.decode(sample.image(), ImageLimits.defaults());
        } catch (InvalidImageException e) {
            throw new IOException("evaluation image " + sample.image() + " is invalid: " + e.getMessage(), e);
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

    private record DatasetResult(EvaluationReport report, double formatRate) {}
}
