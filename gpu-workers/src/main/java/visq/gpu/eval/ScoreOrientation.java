package visq.gpu.eval;

/**
 * Whether larger scores of a quality measure mean better quality. Lower-is-better measures (NIQE, BRISQUE) are
 * negated before correlating with MOS, so that every row of a report reads "+1 = perfect agreement".
 */
public enum ScoreOrientation {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER;

    /** The scores oriented so that higher is better (a negated copy for {@link #LOWER_IS_BETTER}). */
    public double[] orient(double[] scores) {
        double[] out = scores.clone();
        if (this == LOWER_IS_BETTER) {
            for (int i = 0; i < out.length; i++) {
                out[i] = -out[i];
            }
        }
        return out;
    }
}
