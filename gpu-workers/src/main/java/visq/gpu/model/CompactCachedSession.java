package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import java.util.function.Function;
import visq.gpu.generation.DecodingSession;
import visq.gpu.generation.PreallocatedKvCache;
import visq.gpu.ndarray.ScalarArrays;
import visq.gpu.tasks.PolicyPrompt;

/**
 * Prefill once, then one token per row per step. Over one prompt, the prefill runs at batch 1 and the cache is
 * repeated for the rows (the samples of a group); over several prompts of one image count, row r is prompt r and
 * the prefill runs them as one batch. Keys and values go into a {@link PreallocatedKvCache} with room for the prompt
 * and {@value #RESPONSE_ROOM} positions (it grows beyond); a step embeds its tokens in Java
 * ({@link CompactTextEmbedding}) and runs {@link CompactTransformer#decodeStep}, with the attention scale made once per
 * session.
 */
final class CompactCachedSession implements DecodingSession {
    /** Response positions the cache holds before it first grows (training samples at most 96 tokens by default). */
    static final int RESPONSE_ROOM = 128;

    private final CompactModelConfig config;
    private final CompactTokenizer tokenizer;
    private final CompactTransformer forward;
    private final List<PolicyPrompt> prompts;
    private final NDManager scope;
    private final CompactWeights weights;
    private final PreallocatedKvCache cache;
    private final NDArray scale;
    private final CompactTextEmbedding text;
    private int textPosition;

    CompactCachedSession(
            List<PolicyPrompt> prompts,
            NDManager manager,
            Function<NDManager, CompactWeights> detachedWeights,
            CompactModelConfig config,
            CompactTokenizer tokenizer,
            CompactTransformer forward) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.forward = forward;
        this.prompts = List.copyOf(prompts);
        this.scope = manager.newSubManager();
        this.weights = detachedWeights.apply(scope);
        // the prompt with its bos token, then the response
        int promptPositions = config.sequencePositions(this.prompts.get(0).images().size(), 1);
        this.cache = new PreallocatedKvCache(scope, config.layers(), promptPositions + RESPONSE_ROOM);
        this.scale = ScalarArrays.of(scope, 1.0 / Math.sqrt(config.headDim()));
        this.text = new CompactTextEmbedding(weights.tokenEmbedding, weights.positionEmbedding);
    }

    @Override
    public float[] start(int rows) {
        boolean perPrompt = prompts.size() > 1;
        if (perPrompt && rows != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts cannot start " + rows + " rows");
        }
        try (NDScope step = new NDScope()) {
            step.suppressNotUsedWarning();
            int batch = prompts.size();
            long[] bos = new long[batch];
            java.util.Arrays.fill(bos, tokenizer.bosId());
            NDArray x = forward.embedSequence(scope, weights, prompts, bos, 1);
            NDArray hidden = forward.transformer(weights, x, cache);
            long length = hidden.getShape().get(1);
            float[] logits = forward.logits(weights, hidden.get(":, {}:, :", length - 1)).toFloatArray();
            if (!perPrompt && rows > 1) {
                cache.repeatRows(rows);
            }
            textPosition = 2;
            return logits;
        }
    }

    @Override
    public float[] advance(int[] tokens) {
        try (NDScope step = new NDScope()) {
            step.suppressNotUsedWarning();
            NDArray x = text.embed(scope, tokens, textPosition);
            float[] logits = forward.logits(weights, forward.decodeStep(weights, x, cache, scale)).toFloatArray();
            textPosition++;
            return logits;
        }
    }

    @Override
    public void retainRows(int[] rows) {
        cache.retainRows(rows);
    }

    @Override
    public void close() {
        scope.close();
    }
}
