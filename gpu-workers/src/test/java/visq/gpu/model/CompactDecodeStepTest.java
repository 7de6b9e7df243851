package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.generation.KvCache;
import visq.gpu.generation.PreallocatedKvCache;
import visq.gpu.ndarray.ScalarArrays;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;

/**
 * The decode path generation uses ({@link CompactTextEmbedding}, {@link PreallocatedKvCache},
 * {@link CompactTransformer#decodeStep}) gives the same
 * bits as the general transformer over a concatenating {@link KvCache} (the path generation took before), step after
 * step: for groups of several sizes (one-row prefill, repeated rows), for prompts prefilled together, through dropped
 * rows and buffers that grow.
 */
@ExtendWith(OneIntraOpThread.class)
class CompactDecodeStepTest {

    private static final CompactModelConfig CONFIG = CompactModelConfig.compactDefault();
    private static final int STEPS = 100;

    @Test
    void aGroupDecodesToTheSameBitsAsTheConcatenatingPath() {
        for (int rows : new int[] {1, 6, 8}) {
            decodeAndCompare(List.of(TestPrompts.prompt(QualityTask.DEGRADATION, 3)), rows, 3);
        }
    }

    @Test
    void promptsPrefilledTogetherDecodeToTheSameBitsAsTheConcatenatingPath() {
        decodeAndCompare(List.of(TestPrompts.prompt(QualityTask.DEGRADATION, 3),
                TestPrompts.prompt(QualityTask.DEGRADATION, 4), TestPrompts.prompt(QualityTask.DEGRADATION, 5)), 3,
                100);
        decodeAndCompare(List.of(TestPrompts.prompt(QualityTask.COMPARISON, 6),
                TestPrompts.prompt(QualityTask.COMPARISON, 7)), 2, 40);
    }

    /**
     * Prefills {@code prompts} (one prompt: then {@code rows} repeated rows; else one row each), then decodes
     * {@link #STEPS} seeded tokens per row both ways (dropping rows half-way when more than 2), comparing the logits.
     */
    private static void decodeAndCompare(List<PolicyPrompt> prompts, int rows, long initialCapacity) {
        CompactTokenizer tokenizer = CompactTokenizer.instance();
        CompactTransformer forward = new CompactTransformer(CONFIG);
        try (NDManager manager = NDManager.newBaseManager()) {
            CompactWeights w = weights(manager, tokenizer.vocabularySize());
            CompactTextEmbedding text = new CompactTextEmbedding(w.tokenEmbedding, w.positionEmbedding);
            KvCache concatenating = new KvCache(manager, CONFIG.layers());
            PreallocatedKvCache preallocated = new PreallocatedKvCache(manager, CONFIG.layers(), initialCapacity);
            NDArray scale = ScalarArrays.of(manager, 1.0 / Math.sqrt(CONFIG.headDim()));
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                long[] bos = new long[prompts.size()];
                Arrays.fill(bos, tokenizer.bosId());
                NDArray x = forward.embedSequence(manager, w, prompts, bos, 1);
                float[] expected = lastLogits(forward, w, forward.transformer(w, x, concatenating));
                float[] actual = lastLogits(forward, w, forward.transformer(w, x, preallocated));
                assertArrayEquals(expected, actual, "prefill");
            }
            if (prompts.size() == 1) {
                concatenating.repeatRows(rows);
                preallocated.repeatRows(rows);
            }
            SplittableRandom random = new SplittableRandom(11);
            int live = rows;
            for (int t = 0; t < STEPS; t++) {
                if (t == STEPS / 2 && live > 2) {
                    int[] keep = {0, live - 1};
                    concatenating.retainRows(keep);
                    preallocated.retainRows(keep);
                    live = keep.length;
                }
                int[] ids = new int[live];
                long[] longIds = new long[live];
                for (int r = 0; r < live; r++) {
                    ids[r] = random.nextInt(tokenizer.vocabularySize());
                    longIds[r] = ids[r];
                }
                int position = 2 + t;
                try (NDScope step = new NDScope()) {
                    step.suppressNotUsedWarning();
                    NDArray tokens = manager.create(longIds, new Shape(live, 1));
                    // the embedding as generation made it before
                    NDArray x = w.tokenEmbedding.get(tokens)
                            .add(w.positionEmbedding.get("{}:{}", position, position + 1));
                    float[] expected = forward.logits(w, forward.transformer(w, x, concatenating)).toFloatArray();
                    NDArray y = text.embed(manager, ids, position);
                    assertArrayEquals(x.toFloatArray(), y.toFloatArray(), "embedding, step " + t);
                    float[] actual = forward.logits(w, forward.decodeStep(w, y, preallocated, scale)).toFloatArray();
                    assertArrayEquals(expected, actual, "logits, step " + t + ", " + live + " rows");
                }
            }
            assertEquals(concatenating.length(), preallocated.length());
        }
    }

    private static float[] lastLogits(CompactTransformer forward, CompactWeights w, NDArray hidden) {
        long length = hidden.getShape().get(1);
        return forward.logits(w, hidden.get(":, {}:, :", length - 1)).toFloatArray();
    }

    private static CompactWeights weights(NDManager manager, int vocabulary) {
        List<NDArray> arrays = new ArrayList<>();
        for (CompactParameterSpec spec : CompactParameterSpec.all(CONFIG, vocabulary)) {
            arrays.add(manager.create(spec.initialValues(CONFIG.initSeed()), spec.shape()));
        }
        return new CompactWeights(arrays, CONFIG);
    }
}
