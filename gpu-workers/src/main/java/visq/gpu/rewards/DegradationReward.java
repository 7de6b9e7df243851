package visq.gpu.rewards;

import java.util.Optional;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * Q-Insight's degradation reward (method.md §2): +α1 when the class equals the label's (case-sensitive), and +α2
 * more when the severity equals it too. A {@code null} answer equals the label "none" ({@code null == null}), so a
 * correct "no distortion" answer earns α1 + α2. Unparsable gives 0.
 */
public final class DegradationReward {

    public static final double DEFAULT_CLASS_WEIGHT = 0.25;
    public static final double DEFAULT_SEVERITY_WEIGHT = 0.75;

    private final double classWeight;
    private final double severityWeight;

    public DegradationReward(double classWeight, double severityWeight) {
        if (!(classWeight >= 0 && severityWeight >= 0) || !Double.isFinite(classWeight + severityWeight)) {
            throw new IllegalArgumentException("degradation weights must be finite and non-negative, got "
                    + classWeight + " and " + severityWeight);
        }
        this.classWeight = classWeight;
        this.severityWeight = severityWeight;
    }

    /** α1 = 0.25, α2 = 0.75. */
    public static DegradationReward qInsight() {
        return new DegradationReward(DEFAULT_CLASS_WEIGHT, DEFAULT_SEVERITY_WEIGHT);
    }

    public double reward(ParsedDegradation prediction, DegradationLabel truth) {
        Optional<ParsedDegradation.Answer> answer = prediction.answer();
        if (answer.isEmpty()) {
            return 0.0;
        }
        Optional<String> trueClass = truth.degradationClass().map(DegradationClass::answerName);
        Optional<String> trueSeverity = truth.severity().map(Severity::answerName);
        boolean classEqual = answer.get().distortionClass().equals(trueClass);
        boolean severityEqual = answer.get().severity().equals(trueSeverity);
        return (classEqual ? classWeight : 0.0) + (classEqual && severityEqual ? severityWeight : 0.0);
    }
}
