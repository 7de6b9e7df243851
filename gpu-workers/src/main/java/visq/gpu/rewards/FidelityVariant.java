package visq.gpu.rewards;

/** The fidelity reward of VisualQuality-R1 and the ablation variants of its paper, as Visq defines them. */
public enum FidelityVariant {
    /** The paper's reward: p_k(i,j) = Φ((q_ik − μ_j) / sqrt(σ²_i + σ²_j + γ)) inside the fidelity measure. */
    THURSTONE,
    /** Binary comparison: p_k(i,j) = 1 if q_ik &gt; μ_j, 0.5 if equal, 0 otherwise; fidelity measure unchanged. */
    BINARY,
    /**
     * Probability average: the per-pair term is p·p_k + (1−p)·(1−p_k), the probability of agreeing with the human
     * order, instead of the fidelity measure sqrt(p·p_k+γ) + sqrt((1−p)(1−p_k)+γ).
     */
    PROBABILITY_AVERAGE,
    /** Fixed variance: σ²_i = σ²_j = 1 for every image, so p_k(i,j) = Φ((q_ik − μ_j) / sqrt(2 + γ)). */
    FIXED_VARIANCE_ONE
}
