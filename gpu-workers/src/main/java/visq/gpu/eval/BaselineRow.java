package visq.gpu.eval;

import java.util.Objects;

/**
 * One named row of a report's comparison table: a baseline measure (NIQE, BRISQUE, ...) or another model, with its
 * agreement with MOS. Scores of lower-is-better measures are negated before correlating (see
 * {@link ScoreOrientation}), so a good baseline shows positive correlations like the model.
 */
public record BaselineRow(String name, ScoreOrientation orientation, ScoreAgreement agreement) {

    public BaselineRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(orientation, "orientation");
        Objects.requireNonNull(agreement, "agreement");
    }

    /** Correlates the measure's raw {@code scores} with {@code mos} after orienting them. */
    public static BaselineRow evaluate(String name, double[] scores, ScoreOrientation orientation, double[] mos) {
        return new BaselineRow(name, orientation, ScoreAgreement.of(orientation.orient(scores), mos));
    }
}
