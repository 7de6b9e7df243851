package visq.gpu.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

class DegradationMetricsTest {

    private static DegradationLabel blur(Severity s) {
        return DegradationLabel.of(DegradationClass.BLUR, s);
    }

    private static DegradationPair pair(DegradationLabel truth, DegradationLabel prediction) {
        return new DegradationPair(truth, Optional.of(prediction));
    }

    private static DegradationPair unparsable(DegradationLabel truth) {
        return new DegradationPair(truth, Optional.empty());
    }

    /** Four blur images, two noise images, two undistorted images. */
    private static final List<DegradationPair> PAIRS = List.of(
            pair(blur(Severity.MODERATE), blur(Severity.MODERATE)),                                       // class+level
            pair(blur(Severity.SERIOUS), blur(Severity.SLIGHT)),                                          // class only
            pair(blur(Severity.SLIGHT), DegradationLabel.of(DegradationClass.NOISE, Severity.SLIGHT)),    // wrong
            unparsable(blur(Severity.OBVIOUS)),                                                           // wrong
            pair(DegradationLabel.of(DegradationClass.NOISE, Severity.CATASTROPHIC),
                    DegradationLabel.of(DegradationClass.NOISE, Severity.CATASTROPHIC)),                  // class+level
            pair(DegradationLabel.of(DegradationClass.NOISE, Severity.SLIGHT), DegradationLabel.none()),  // wrong
            pair(DegradationLabel.none(), DegradationLabel.none()),                                       // right
            pair(DegradationLabel.none(), DegradationLabel.of(DegradationClass.DARKEN, Severity.SLIGHT))); // wrong

    @Test
    void accuraciesCountedByHand() {
        DegradationMetrics metrics = DegradationMetrics.of(PAIRS);
        // By hand from the comments above: 4 of 8 classes right.
        assertEquals(8, metrics.images());
        assertEquals(0.5, metrics.classAccuracy(), 0.0);
        assertEquals(1, metrics.unparsable());

        ClassAccuracy blur = metrics.of(DegradationCategory.BLUR);
        assertEquals(4, blur.images());
        assertEquals(0.5, blur.classAccuracy(), 0.0);         // 2 / 4
        assertEquals(0.25, blur.levelAccuracy(), 0.0);        // 1 / 4 images of the class (method.md §4)
        assertEquals(0.5, blur.conditionalLevelAccuracy(), 0.0); // 1 / 2 with the class right

        ClassAccuracy noise = metrics.of(DegradationCategory.NOISE);
        assertEquals(0.5, noise.classAccuracy(), 0.0);
        assertEquals(0.5, noise.levelAccuracy(), 0.0);
        assertEquals(1.0, noise.conditionalLevelAccuracy(), 0.0);

        ClassAccuracy none = metrics.of(DegradationCategory.NONE);
        assertEquals(0.5, none.classAccuracy(), 0.0);
        assertTrue(Double.isNaN(none.levelAccuracy()), "none has no levels");

        ClassAccuracy darken = metrics.of(DegradationCategory.DARKEN);
        assertEquals(0, darken.images());
        assertTrue(Double.isNaN(darken.classAccuracy()), "no darkened images");
    }

    @Test
    void confusionMatrixHasAnUnparsableColumn() {
        ConfusionMatrix m = DegradationMetrics.of(PAIRS).confusion();
        assertEquals(5, m.rows().size());
        assertEquals(6, m.columns().size());
        assertEquals(2, m.count(DegradationCategory.BLUR, DegradationCategory.BLUR));
        assertEquals(1, m.count(DegradationCategory.BLUR, DegradationCategory.NOISE));
        assertEquals(1, m.count(DegradationCategory.BLUR, DegradationCategory.UNPARSABLE));
        assertEquals(1, m.count(DegradationCategory.NOISE, DegradationCategory.NONE));
        assertEquals(1, m.count(DegradationCategory.NONE, DegradationCategory.DARKEN));
        int total = 0;
        for (DegradationCategory row : m.rows()) {
            for (DegradationCategory column : m.columns()) {
                total += m.count(row, column);
            }
        }
        assertEquals(PAIRS.size(), total);
        assertThrows(IllegalArgumentException.class,
                () -> m.count(DegradationCategory.UNPARSABLE, DegradationCategory.NONE));
    }

    @Test
    void emptySetHasUndefinedAccuracy() {
        assertTrue(Double.isNaN(DegradationMetrics.of(List.of()).classAccuracy()));
    }

    @Test
    void rationaleAgreementMatchesStems() {
        String blurry = "<think>The edges look blurry and soft.</think><answer>{...}</answer>";
        String darkButNoise = "<think>The image is dark overall.</think><answer>{...}</answer>";
        List<RationaleAgreement.Rationale> rationales = List.of(
                RationaleAgreement.of(blurry, Optional.of(DegradationClass.BLUR)),              // agrees
                RationaleAgreement.of(darkButNoise, Optional.of(DegradationClass.NOISE)),       // disagrees
                RationaleAgreement.of("<think>Heavily compressed, blocky.</think>",
                        Optional.of(DegradationClass.COMPRESSION)),                             // agrees
                RationaleAgreement.of("no think block", Optional.of(DegradationClass.DARKEN)),  // disagrees
                RationaleAgreement.of(blurry, Optional.empty()));                               // not counted
        // By hand: 2 of the 4 responses that answer a class.
        assertEquals(0.5, RationaleAgreement.rate(rationales).getAsDouble(), 0.0);
        assertTrue(RationaleAgreement.names("Strong NOISE", DegradationClass.NOISE));
        assertFalse(RationaleAgreement.names("unblurred and sharp", DegradationClass.BLUR), "word starts only");
        assertTrue(RationaleAgreement.rate(List.of()).isEmpty());
    }
}
