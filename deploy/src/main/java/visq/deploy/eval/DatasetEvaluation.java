package visq.deploy.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import visq.gpu.eval.DegradationMetrics;
import visq.gpu.eval.EvaluationReport;
import visq.gpu.eval.ScoreAgreement;
import visq.gpu.tasks.QualityTask;

/**
 * Everything measured on one evaluated set.
 *
 * @param report the report of the headline score task (the first asked), with NIQE and BRISQUE beside it and, for
 *     images with degradation labels, the degradation metrics
 * @param agreements the agreement with MOS of every score task asked, over the images whose answer parsed
 * @param parsed per task, how many answers parsed of how many were asked
 * @param baselineImages per baseline, how many images it scored
 * @param baselineDegradation per degradation baseline (the frozen degradation prior), its degradation metrics on the
 *     images the degradation task was asked for
 * @param formatRate the share of degradation answers in Q-Insight's strict format, when degradation was asked
 * @param imagesWithProblems images that could not be evaluated (missing, unreadable): rows in the predictions file
 */
public record DatasetEvaluation(EvaluationReport report, Map<QualityTask, ScoreAgreement> agreements,
        Map<QualityTask, ParseCount> parsed, Map<String, Integer> baselineImages,
        Map<String, DegradationMetrics> baselineDegradation, OptionalDouble formatRate, int imagesWithProblems) {

    public DatasetEvaluation {
        agreements = Map.copyOf(agreements);
        parsed = Map.copyOf(parsed);
        baselineImages = Map.copyOf(baselineImages);
        baselineDegradation = Collections.unmodifiableMap(new LinkedHashMap<>(baselineDegradation));
    }

    public String name() {
        return report.datasetName();
    }
}
