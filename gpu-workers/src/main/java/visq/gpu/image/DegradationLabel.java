package visq.gpu.image;

import java.util.Optional;

/**
 * What degradation an image carries: a class with a severity, or none (an undistorted image, answered
 * with {@code null}s).
 */
public record DegradationLabel(Optional<DegradationClass> degradationClass, Optional<Severity> severity) {

    public DegradationLabel {
        if (degradationClass.isPresent() != severity.isPresent()) {
            throw new IllegalArgumentException("a degradation label has both a class and a severity, or neither");
        }
    }

    public static DegradationLabel none() {
        return new DegradationLabel(Optional.empty(), Optional.empty());
    }

    public static DegradationLabel of(DegradationClass degradationClass, Severity severity) {
        return new DegradationLabel(Optional.of(degradationClass), Optional.of(severity));
    }

    public boolean isNone() {
        return degradationClass.isEmpty();
    }

    /** "blur/moderate" or "none". */
    public String describe() {
        return degradationClass.map(c -> c.answerName() + "/" + severity.orElseThrow().answerName()).orElse("none");
    }
}
