package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import visq.gpu.generation.DecodingSession;
import visq.gpu.tasks.PolicyPrompt;

/** Recomputes prompt plus every token so far at each step. */
final class CompactRecomputingSession implements DecodingSession {
    private final CompactTokenizer tokenizer;
    private final CompactTransformer forward;
    private final PolicyPrompt prompt;
    private final NDManager scope;
    private final CompactWeights weights;
    private List<List<Integer>> rows = new ArrayList<>();

    CompactRecomputingSession(
            PolicyPrompt prompt,
            NDManager manager,
            Function<NDManager, CompactWeights> detachedWeights,
            CompactTokenizer tokenizer,
            CompactTransformer forward) {
        this.tokenizer = tokenizer;
        this.forward = forward;
        this.prompt = prompt;
        this.scope = manager.newSubManager();
        this.weights = detachedWeights.apply(scope);
    }

    @Override
    public float[] start(int count) {
        for (int i = 0; i < count; i++) {
            rows.add(new ArrayList<>());
        }
        return lastLogits(1);
    }

    @Override
    public float[] advance(int[] tokens) {
        for (int r = 0; r < tokens.length; r++) {
            rows.get(r).add(tokens[r]);
        }
        return lastLogits(rows.size());
    }

    private float[] lastLogits(int count) {
        try (NDScope step = new NDScope()) {
            step.suppressNotUsedWarning();
            int length = 1 + rows.get(0).size();
            long[] ids = new long[count * length];
            for (int r = 0; r < count; r++) {
                ids[r * length] = tokenizer.bosId();
                for (int t = 1; t < length; t++) {
                    ids[r * length + t] = rows.get(r).get(t - 1);
                }
            }
            NDArray x = forward.embedSequence(scope, weights, Collections.nCopies(count, prompt), ids, length);
            NDArray hidden = forward.transformer(weights, x, null);
            long total = hidden.getShape().get(1);
            return forward.logits(weights, hidden.get(":, {}:, :", total - 1)).toFloatArray();
        }
    }

    @Override
    public void retainRows(int[] keep) {
        List<List<Integer>> kept = new ArrayList<>();
        for (int r : keep) {
            kept.add(rows.get(r));
        }
        rows = kept;
    }

    @Override
    public void close() {
        scope.close();
    }
}
