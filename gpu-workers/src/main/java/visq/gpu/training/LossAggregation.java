package visq.gpu.training;

/** How per-token GRPO losses become one scalar (method.md §3). */
public enum LossAggregation {
    /** Default of both papers' code: mean over each response's masked tokens, then mean over responses. */
    SEQUENCE_MEAN,
    /** DAPO: sum over all masked tokens of the batch / number of masked tokens. */
    TOKEN_MEAN,
    /** Dr. GRPO: sum over all masked tokens / (B × maxCompletionLength), a constant. */
    CONSTANT_NORMALISER
}
