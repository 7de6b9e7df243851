package visq.gpu.generation;

/**
 * Which tokens one row may draw next, and what it drew: constrained decoding's per-row state. {@link SamplingLoop}
 * asks {@link #allows} of candidates in the order the sampler prefers them and reports every drawn token through
 * {@link #accept}. One instance serves one row of one decoding.
 */
public interface TokenConstraint {

    /** Whether the row may draw {@code token} next. */
    boolean allows(int token);

    /** Records that the row drew {@code token}. */
    void accept(int token);
}
