package visq.gpu.tasks;

import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * Writes the target responses of the supervised cold start from labels alone. The compact model has no
 * pretrained language ability, so it first learns the answer format and a short, label-consistent
 * rationale from these templates; GRPO then improves what it answers. The rationale always names the
 * degradation (or quality level) that the answer gives.
 */
public final class ResponseTemplates {

    private ResponseTemplates() {}

    /**
     * The target response of {@code task}: a degradation response for the label {@code label} gives, or a score
     * response for the score {@code score} gives; only the one the task needs is asked for.
     *
     * @throws IllegalArgumentException for a task without a template
     */
    public static String forTask(QualityTask task, Supplier<DegradationLabel> label, DoubleSupplier score) {
        switch (task) {
            case DEGRADATION:
                return degradation(label.get());
            case SCORE:
                return score(score.getAsDouble());
            case SCORE_NUMBER:
                return scoreNumber(score.getAsDouble());
            default:
                throw new IllegalArgumentException("no cold-start template for task " + task.id());
        }
    }

    /** A Q-Insight degradation response for {@code label}. */
    public static String degradation(DegradationLabel label) {
        if (label.isNone()) {
            return wrap("The image looks clean: no noise, compression, blur or darkening is visible.",
                    "{\"distortion_class\": null, \"severity\": null}");
        }
        DegradationClass degradation = label.degradationClass().orElseThrow();
        Severity severity = label.severity().orElseThrow();
        String rationale = "The image shows " + severity.answerName() + " " + degradation.answerName() + ": "
                + evidence(degradation) + ".";
        return wrap(rationale, "{\"distortion_class\": \"" + degradation.answerName() + "\", \"severity\": \""
                + severity.answerName() + "\"}");
    }

    /** A Q-Insight score response for a normalised MOS in [1, 5]. */
    public static String score(double normalisedMos) {
        return wrap(qualityRationale(normalisedMos), "{\"rating\": " + twoDecimals(normalisedMos) + "}");
    }

    /** A VisualQuality-R1 score response (bare number) for a normalised MOS in [1, 5]. */
    public static String scoreNumber(double normalisedMos) {
        return wrap(qualityRationale(normalisedMos), twoDecimals(normalisedMos));
    }

    /** The quality word the templates use for a score in [1, 5]. */
    public static String qualityWord(double score) {
        if (score < 1.8) {
            return "bad";
        }
        if (score < 2.6) {
            return "poor";
        }
        if (score < 3.4) {
            return "fair";
        }
        if (score < 4.2) {
            return "good";
        }
        return "excellent";
    }

    private static String qualityRationale(double score) {
        return "The overall quality is " + qualityWord(score) + ".";
    }

    private static String evidence(DegradationClass degradation) {
        switch (degradation) {
            case NOISE:
                return "grainy speckles cover flat areas";
            case COMPRESSION:
                return "blocky artifacts and banding appear";
            case BLUR:
                return "edges and fine texture are soft";
            case DARKEN:
                return "the scene is dim and shadows lose detail";
            default:
                throw new IllegalArgumentException("no evidence phrase for " + degradation);
        }
    }

    private static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String wrap(String rationale, String answer) {
        return "<think>\n" + rationale + "\n</think>\n<answer>\n" + answer + "\n</answer>";
    }
}
