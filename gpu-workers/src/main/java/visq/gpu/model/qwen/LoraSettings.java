package visq.gpu.model.qwen;

import java.util.List;
import java.util.Set;

/**
 * The low-rank adapters trained on a frozen Qwen base: rank r, scale alpha / r, dropout on the adapter input while
 * training, and which decoder projections carry one. The adapters are the only trainable and pushed weights.
 *
 * @param rank r, the inner width of each adapter
 * @param alpha the adapter output is scaled by {@code alpha / rank}
 * @param dropout probability of zeroing an adapter input element while computing differentiable log-probabilities
 *     (0 in generation and in the reference policy)
 * @param targets projection names of every decoder layer that get an adapter: any of {@link #KNOWN_TARGETS}
 * @param initSeed seed of the version-0 A matrices (B starts at zero, so version 0 equals the base)
 */
public record LoraSettings(int rank, double alpha, double dropout, List<String> targets, long initSeed) {

    /** The decoder projections an adapter can sit on. */
    public static final Set<String> KNOWN_TARGETS =
            Set.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraSettings {
        if (rank <= 0) {
            throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be positive and finite, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target module");
        }
        if (Set.copyOf(targets).size() != targets.size()) {
            throw new IllegalArgumentException("LoRA target modules are listed twice: " + targets);
        }
        for (String target : targets) {
            if (!KNOWN_TARGETS.contains(target)) {
                throw new IllegalArgumentException("unknown LoRA target module '" + target + "'; known: "
                        + List.copyOf(new java.util.TreeSet<>(KNOWN_TARGETS)));
            }
        }
    }

    /** The papers' usual adapter: rank 64, alpha 128, no dropout, on q, k, v and o. */
    public static LoraSettings defaults() {
        return new LoraSettings(64, 128, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj"), 20_250_322L);
    }

    /** {@code alpha / rank}. */
    public double scale() {
        return alpha / rank;
    }

    /** Whether projection {@code module} of every layer carries an adapter. */
    public boolean adapts(String module) {
        return targets.contains(module);
    }

    /** A canonical description for model ids: rank, alpha and sorted targets. */
    public String describe() {
        return "lora-r" + rank + "-a" + stripZero(alpha) + "-" + String.join("+", new java.util.TreeSet<>(targets));
    }

    private static String stripZero(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
