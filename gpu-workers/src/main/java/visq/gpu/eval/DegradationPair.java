package visq.gpu.eval;

import java.util.Objects;
import java.util.Optional;
import visq.gpu.image.DegradationLabel;

/**
 * One evaluated image of the degradation task: its ground-truth label and the label read from the policy's answer,
 * empty when the answer could not be parsed (which counts as wrong).
 */
public record DegradationPair(DegradationLabel truth, Optional<DegradationLabel> prediction) {

    public DegradationPair {
        Objects.requireNonNull(truth, "truth");
        Objects.requireNonNull(prediction, "prediction");
    }

    /** Whether the predicted class (or "none") is the true one. */
    public boolean classCorrect() {
        return prediction.map(p -> p.degradationClass().equals(truth.degradationClass())).orElse(false);
    }

    /** Whether class and severity are both right (for "none", whether "none" was predicted). */
    public boolean levelCorrect() {
        return prediction.map(truth::equals).orElse(false);
    }
}
