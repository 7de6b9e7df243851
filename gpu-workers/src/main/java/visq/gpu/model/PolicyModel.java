package visq.gpu.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PolicyPrompt;

/**
 * A vision-language policy as GRPO needs it: sample groups of responses with their behaviour log-probabilities,
 * score given responses differentiably, and move its trainable weights between nodes.
 *
 * <p>An instance is not thread-safe: one executor owns it, creates it in setup and closes it on stop. Everything a
 * call allocates for the caller lives in the caller's {@code scope}; generation frees its own intermediates step by
 * step, so memory stays flat. Only plain Java values ({@link GeneratedResponse}, {@link EncodedWeights}) leave it.
 *
 * <h2>Log-probability agreement</h2>
 * For the same weights, {@link GeneratedResponse#logProbs()} of a generated response and
 * {@link #responseLogProbs} of its token ids at the same temperature agree to 1e-4 per token: behaviour
 * log-probabilities come from generation, importance ratios from {@code responseLogProbs}, and a disagreement
 * would bias every ratio.
 *
 * <h2>Implementations</h2>
 * {@link CompactVisionLanguagePolicy} (trained from scratch, every weight trainable) and
 * {@code visq.gpu.model.qwen.QwenVisionLanguagePolicy} (a pretrained Qwen2-VL / Qwen2.5-VL whose frozen base is
 * shared per node and device; only its LoRA adapters are trainable, exported and imported, and a second instance of
 * the same config is GRPO's reference without a second copy of the base). Both pass {@code PolicyModelContractTest}.
 */
public interface PolicyModel extends AutoCloseable {

    /** The model id, equal to {@code config.modelId()}; weights only load into a model with the same id. */
    String modelId();

    /** Where the parameters live. */
    Device device();

    /** The tokenizer that produced and reads this model's token ids. */
    TextTokenizer tokenizer();

    /** The version of the current weights: 0 after creation, then whatever {@link #importWeights} or
     * {@link #setWeightVersion} set. */
    long weightVersion();

    /** Records that the weights (changed in place by an optimizer) are now {@code version}. */
    void setWeightVersion(long version);

    /**
     * Samples {@code count} responses to one prompt, batched, with a KV cache. Deterministic for a given seed,
     * settings and weights. Records no autograd graph, whatever the calling thread's grad mode.
     *
     * @throws IllegalArgumentException when the prompt plus {@code maxNewTokens} does not fit the model
     */
    List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed);

    /**
     * One response to each of {@code prompts}, in order, decoded together: prompts that share a layout (the compact
     * model: the same image count) are prefilled as rows of one batch and then advance one token per live row per
     * step, a row leaving the batch when it finishes; other layouts go in their own sub-batches. Response {@code i}
     * equals {@code generate(prompts.get(i), 1, sampling, seed).get(0)} (each row draws from its own sampler
     * seeded with {@code seed}; greedy rows draw nothing). This is how a worker serves a micro-batch of scoring
     * requests in one pass.
     *
     * @throws IllegalArgumentException when a prompt plus {@code maxNewTokens} does not fit the model (nothing is
     *     generated then)
     */
    List<GeneratedResponse> answerAll(List<PolicyPrompt> prompts, SamplingSettings sampling, long seed);

    /**
     * Per-token log-probabilities of given responses, {@code log_softmax(logits / temperature)} at each response
     * token, as a {@code [B, T]} float32 array with {@code T} the longest response; shorter rows are right-padded
     * with 0 (it may be a negative zero: padding is masked by multiplication). Rows may mix tasks (image counts).
     * Differentiable with respect to {@link #trainableParameters()} when called inside a
     * {@code GradientCollector}; every intermediate is attached to {@code scope}, which the caller closes after the
     * backward pass.
     */
    NDArray responseLogProbs(NDManager scope, List<PolicyPrompt> prompts, List<int[]> responses, double temperature);

    /** Mean per-token negative log-likelihood of {@code targets} under teacher forcing (temperature 1): a scalar
     * for the supervised cold start, differentiable like {@link #responseLogProbs}. */
    NDArray sequenceNegativeLogLikelihood(NDManager scope, List<PolicyPrompt> prompts, List<int[]> targets);

    /**
     * The trainable tensors, in a fixed order, with {@code requiresGradient} set. Gradients accumulate across
     * backward passes until {@link #zeroGradients()}.
     *
     * <p>Two DJL/PyTorch facts for whoever trains them:
     * <ul>
     *   <li>{@code parameter.getGradient()} returns a new handle attached to the model's manager on every call:
     *       close it ({@code try (NDArray g = p.getGradient()) {...}}), or the model's manager grows.</li>
     *   <li>Update in place through a detached view, {@code try (NDArray w = p.stopGradient()) { w.subi(step); }},
     *       or with {@code p.set(buffer)}. A plain {@code p.subi(step)} throws "a leaf Variable that requires grad
     *       is being used in an in-place operation" on any thread whose PyTorch grad mode is on, which is every
     *       thread except the one that initialised the engine (actor dispatcher threads included).</li>
     * </ul>
     */
    List<NDArray> trainableParameters();

    /** The names of {@link #trainableParameters()}, in the same order. */
    List<String> trainableParameterNames();

    /** Sets every accumulated gradient of the trainable parameters to zero. */
    void zeroGradients();

    /** The trainable tensors as a {@code WeightSnapshot}, labelled {@code version} (does not change
     * {@link #weightVersion()}). */
    EncodedWeights exportWeights(long version);

    /**
     * Replaces the trainable tensors in place (optimizer state keyed on the arrays stays valid) and sets
     * {@link #weightVersion()}. Verifies the digest, model id, tensor names, shapes and sizes first; on any mismatch
     * throws an {@link IllegalArgumentException} naming the problem and keeps the old weights.
     */
    void importWeights(EncodedWeights weights);

    /** Arrays alive under the model's own manager (its weights plus anything not yet freed): a leak detector. */
    int liveArrayCount();

    /** Frees every array the model holds. */
    @Override
    void close();
}
