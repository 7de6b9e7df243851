package visq.gpu.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything measured on one evaluation set for one model version (method.md §4): which weights and decoding
 * produced the scores, the model's agreement with MOS, the baselines' agreement side by side, and, for degradation
 * sets, the degradation metrics and how often the reasoning names the answered class.
 *
 * @param datasetName         the evaluation set
 * @param imageCount          images scored
 * @param weightVersion       the policy weight version evaluated
 * @param modelId             the model (checkpoint or configuration) evaluated
 * @param decoding            how scores were decoded
 * @param model               the model's SRCC, KRCC, PLCC raw and after the logistic fit
 * @param baselines           other measures on the same images (lower-is-better ones negated, see
 *                            {@link ScoreOrientation})
 * @param degradation         degradation metrics, for sets with degradation labels
 * @param parseFailures       responses from which no score could be read
 * @param rationaleAgreement  fraction of class answers whose {@code <think>} text names the class
 *                            ({@link RationaleAgreement}), when measured
 */
public record EvaluationReport(String datasetName, int imageCount, long weightVersion, String modelId,
        ScoreDecoding decoding, ScoreAgreement model, List<BaselineRow> baselines,
        Optional<DegradationMetrics> degradation, int parseFailures, OptionalDouble rationaleAgreement) {

    public EvaluationReport {
        Objects.requireNonNull(datasetName, "datasetName");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(decoding, "decoding");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(degradation, "degradation");
        Objects.requireNonNull(rationaleAgreement, "rationaleAgreement");
        baselines = List.copyOf(baselines);
        if (imageCount < 0 || parseFailures < 0 || parseFailures > imageCount) {
            throw new IllegalArgumentException(
                    "inconsistent counts: " + imageCount + " images, " + parseFailures + " parse failures");
        }
    }
}
