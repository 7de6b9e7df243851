package visq.gpu.training;

/** How group-relative advantages are scaled after the group mean is subtracted. */
public enum AdvantageScaling {
    /** Default (both papers): divide by the group's unbiased std + 1e-4. */
    GROUP_STD,
    /** Dr. GRPO: no scaling, the advantage is r − mean(group). */
    NONE,
    /** Divide by the unbiased std of all rewards of the batch + 1e-4. */
    BATCH_STD
}
