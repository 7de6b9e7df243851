package visq.gpu.rewards;

import java.util.Optional;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/** A degradation answer read from a response, or why none could be read. */
public sealed interface ParsedDegradation extends ParsedAnswer permits ParsedDegradation.Answer, ParsedDegradation.Unparsable {

    /** The answer, empty when unparsable. */
    Optional<Answer> answer();

    /**
     * The answer's raw strings; empty means JSON {@code null}. They are kept verbatim (even spellings that are no
     * {@link DegradationClass}) because the reward compares them case-sensitively with the label's spelling.
     */
    record Answer(Optional<String> distortionClass, Optional<String> severity) implements ParsedDegradation {
        @Override
        public Optional<Answer> answer() {
            return Optional.of(this);
        }

        /** The answer as a label, empty when a spelling is unknown or only one of the two is null. */
        public Optional<DegradationLabel> label() {
            if (distortionClass.isEmpty() && severity.isEmpty()) {
                return Optional.of(DegradationLabel.none());
            }
            Optional<DegradationClass> c = distortionClass.flatMap(DegradationClass::fromAnswerName);
            Optional<Severity> s = severity.flatMap(Severity::fromAnswerName);
            return c.isPresent() && s.isPresent() ? Optional.of(DegradationLabel.of(c.get(), s.get())) : Optional.empty();
        }
    }

    /** No degradation answer could be read; {@code reason} says why. */
    record Unparsable(String reason) implements ParsedDegradation {
        @Override
        public Optional<Answer> answer() {
            return Optional.empty();
        }
    }
}
