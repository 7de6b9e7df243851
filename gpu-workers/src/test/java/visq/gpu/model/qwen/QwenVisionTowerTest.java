package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

/**
 * The tower against transformers' own tiny vision towers on three images in one call
 * ({@code tools/qwen-reference/vision_tower_golden.py}), its memory discipline and its input checks.
 */
class QwenVisionTowerTest {

    private static final double TOLERANCE = 1e-4;

    private static Map<String, Object> golden;
    private static NDManager weightManager;

    @BeforeAll
    static void load() {
        golden = QwenVisionTowerGolden.load("vision-tower-golden.json");
        weightManager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        weightManager.close();
    }

    /** One family's reference: config, weights (owned by {@link #weightManager}), inputs and outputs. */
    private static final class Reference {
        final QwenFamily family;
        final QwenVisionConfig config;
        final Map<String, NDArray> weights = new HashMap<>();
        final List<VisionGrid> grids;
        final float[] pixelValues;
        final Map<String, Object> raw;

        Reference(String key) {
            raw = QwenVisionTowerGolden.object(golden.get(key));
            family = QwenFamily.ofModelType((String) raw.get("family"));
            config = config(family, QwenVisionTowerGolden.object(raw.get("vision_config")));
            for (Map.Entry<String, Object> entry : QwenVisionTowerGolden.object(raw.get("weights")).entrySet()) {
                Map<String, Object> tensor = QwenVisionTowerGolden.object(entry.getValue());
                long[] shape = Arrays.stream(QwenVisionTowerGolden.ints(tensor.get("shape"))).asLongStream().toArray();
                weights.put(entry.getKey(), weightManager.create(Golden.floats(tensor.get("values")), new Shape(shape)));
            }
            grids = QwenVisionTowerGolden.grids(raw.get("grids"));
            pixelValues = Golden.floats(raw.get("pixel_values"));
        }

        QwenVisionTower tower() {
            return new QwenVisionTower(family, config, weights::get);
        }

        float[] expected(String name) {
            return Golden.floats(raw.get(name));
        }
    }

    /** The vision_config of transformers' to_dict() in both layouts (2-VL: embed_dim, mlp_ratio, hidden_size out). */
    private static QwenVisionConfig config(QwenFamily family, Map<String, Object> c) {
        int depth = QwenVisionTowerGolden.integer(c.get("depth"));
        if (family == QwenFamily.QWEN2_VL) {
            int embed = QwenVisionTowerGolden.integer(c.get("embed_dim"));
            int[] all = new int[depth];
            Arrays.setAll(all, i -> i);
            return new QwenVisionConfig(depth, embed, QwenVisionTowerGolden.integer(c.get("num_heads")),
                    embed * QwenVisionTowerGolden.integer(c.get("mlp_ratio")),
                    QwenVisionTowerGolden.integer(c.get("patch_size")),
                    QwenVisionTowerGolden.integer(c.get("temporal_patch_size")),
                    QwenVisionTowerGolden.integer(c.get("spatial_merge_size")),
                    QwenVisionTowerGolden.integer(c.get("in_channels")),
                    QwenVisionTowerGolden.integer(c.get("hidden_size")), 0, all, (String) c.get("hidden_act"));
        }
        return new QwenVisionConfig(depth, QwenVisionTowerGolden.integer(c.get("hidden_size")),
                QwenVisionTowerGolden.integer(c.get("num_heads")),
                QwenVisionTowerGolden.integer(c.get("intermediate_size")),
                QwenVisionTowerGolden.integer(c.get("patch_size")),
                QwenVisionTowerGolden.integer(c.get("temporal_patch_size")),
                QwenVisionTowerGolden.integer(c.get("spatial_merge_size")),
                QwenVisionTowerGolden.integer(c.get("in_channels")),
                QwenVisionTowerGolden.integer(c.get("out_hidden_size")),
                QwenVisionTowerGolden.integer(c.get("window_size")),
                QwenVisionTowerGolden.ints(c.get("fullatt_block_indexes")), (String) c.get("hidden_act"));
    }

    @Test
    void qwen25SeveralImagesMatchTransformers() {
        matchesTransformers(new Reference("qwen2_5_vl"));
    }

    @Test
    void qwen2SeveralImagesMatchTransformers() {
        matchesTransformers(new Reference("qwen2_vl"));
    }

    private static void matchesTransformers(Reference reference) {
        QwenVisionTower tower = reference.tower();
        try (NDManager scope = NDManager.newBaseManager()) {
            QwenVisionTower.Trace trace = tower.trace(scope, reference.pixelValues, reference.grids);
            report(reference.family + " patch embedding", QwenVisionTowerGolden.maxAbsDifference(
                    reference.expected("patch_embeddings"), trace.patchEmbeddings().toFloatArray()));
            List<Object> blocks = Golden.list(reference.raw.get("block_outputs"));
            assertEquals(blocks.size(), trace.blockOutputs().size());
            for (int k = 0; k < blocks.size(); k++) {
                double difference = QwenVisionTowerGolden.maxAbsDifference(
                        Golden.floats(blocks.get(k)), trace.blockOutputs().get(k).toFloatArray());
                report(reference.family + " hidden state after block " + k, difference);
            }
            long[] shape = Arrays.stream(QwenVisionTowerGolden.ints(reference.raw.get("embeddings_shape")))
                    .asLongStream().toArray();
            assertEquals(new Shape(shape), trace.embeddings().getShape());
            assertEquals(tower.mergedTokens(reference.grids), trace.embeddings().getShape().get(0));
            report(reference.family + " merged tokens of three images", QwenVisionTowerGolden.maxAbsDifference(
                    reference.expected("embeddings"), trace.embeddings().toFloatArray()));

            VisionGrid first = reference.grids.get(0);
            float[] firstRows = Arrays.copyOf(reference.pixelValues, first.patches() * reference.config.patchValues());
            NDArray alone = tower.embed(scope, firstRows, first);
            report(reference.family + " merged tokens of the first image alone", QwenVisionTowerGolden.maxAbsDifference(
                    reference.expected("first_image_embeddings"), alone.toFloatArray()));
        }
    }

    private static void report(String what, double maxAbsDifference) {
        System.out.printf("%s: max |diff| %.3g%n", what, maxAbsDifference);
        assertTrue(maxAbsDifference <= TOLERANCE, what + ": max |diff| " + maxAbsDifference + " > " + TOLERANCE);
    }

    @Test
    void expectedTensorsAreTheCheckpointNames() {
        for (String key : List.of("qwen2_5_vl", "qwen2_vl")) {
            Reference reference = new Reference(key);
            Map<String, Shape> expected = QwenVisionTower.expectedTensors(reference.family, reference.config);
            assertEquals(reference.weights.keySet(), expected.keySet(), key);
            for (Map.Entry<String, Shape> entry : expected.entrySet()) {
                assertEquals(reference.weights.get(entry.getKey()).getShape(), entry.getValue(), entry.getKey());
            }
        }
    }

    @Test
    void aCallLeavesNothingAliveInTheCallersManagerOrTheWeights() {
        Reference reference = new Reference("qwen2_5_vl");
        QwenVisionTower tower = reference.tower();
        int weightArrays = weightManager.getManagedArrays().size();
        try (NDManager caller = NDManager.newBaseManager()) {
            try (NDManager scope = caller.newSubManager()) {
                NDArray tokens = tower.embed(scope, reference.pixelValues, reference.grids);
                assertEquals(1, scope.getManagedArrays().size(), "only the result is left in the call's scope");
                assertTrue(scope.getManagedArrays().contains(tokens));
                QwenVisionTower.Trace trace = tower.trace(scope, reference.pixelValues, reference.grids);
                assertEquals(3 + trace.blockOutputs().size(), scope.getManagedArrays().size());
            }
            assertEquals(0, caller.getManagedArrays().size(), "nothing alive in the caller's manager after its scope");
        }
        assertEquals(weightArrays, weightManager.getManagedArrays().size(), "no array attached to the weights' manager");
    }

    @Test
    void pixelRowsOfTheWrongWidthAreRefused() {
        Reference reference = new Reference("qwen2_vl");
        QwenVisionTower tower = reference.tower();
        try (NDManager scope = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tower.embed(scope, new float[95 * 4], new VisionGrid(1, 2, 2)));
            assertTrue(e.getMessage().contains("not whole patch rows of C·T·P·P = 3·2·4·4 = 96"), e.getMessage());
            assertEquals(0, scope.getManagedArrays().size());
        }
    }

    @Test
    void pixelRowsThatDoNotMatchTheGridsAreRefused() {
        Reference reference = new Reference("qwen2_5_vl");
        QwenVisionTower tower = reference.tower();
        try (NDManager scope = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tower.embed(scope, new float[96 * 12], List.of(new VisionGrid(1, 2, 2), new VisionGrid(1, 2, 2))));
            assertTrue(e.getMessage().contains("pixel_values has 12 patch rows of 96"), e.getMessage());
            assertTrue(e.getMessage().contains("need 8"), e.getMessage());
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> tower.embed(scope, new float[96 * 6], new VisionGrid(1, 2, 3)));
            assertTrue(odd.getMessage().contains("multiples of spatial_merge_size 2"), odd.getMessage());
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> tower.embed(scope, new float[0], List.of()));
            assertTrue(none.getMessage().contains("no image grid"), none.getMessage());
        }
    }

    @Test
    void missingOrMisshapedTensorsAreNamed() {
        Reference reference = new Reference("qwen2_5_vl");
        float[] rows = Arrays.copyOf(reference.pixelValues, 4 * reference.config.patchValues());
        String missing = "visual.blocks.1.mlp.up_proj.bias";
        Function<String, NDArray> without = name -> missing.equals(name) ? null : reference.weights.get(name);
        String wrong = "visual.merger.mlp.2.weight";
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray misshaped = scope.zeros(new Shape(24, 64));
            Function<String, NDArray> bad = name -> wrong.equals(name) ? misshaped : reference.weights.get(name);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new QwenVisionTower(reference.family, reference.config, without)
                            .embed(scope, rows, new VisionGrid(1, 2, 2)));
            assertTrue(e.getMessage().contains(missing + " is missing"), e.getMessage());
            IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
                    () -> new QwenVisionTower(reference.family, reference.config, bad)
                            .embed(scope, rows, new VisionGrid(1, 2, 2)));
            assertTrue(s.getMessage().contains(wrong + " has shape (24, 64), the config needs (24, 128)"), s.getMessage());
        }
    }

    @Test
    void unsupportedConfigsAreRefusedByField() {
        Reference reference = new Reference("qwen2_5_vl");
        QwenVisionConfig c = reference.config;
        QwenVisionConfig gelu = new QwenVisionConfig(c.depth(), c.hiddenSize(), c.heads(), c.intermediateSize(),
                c.patchSize(), c.temporalPatchSize(), c.spatialMergeSize(), c.inChannels(), c.outHiddenSize(),
                c.windowSize(), c.fullAttentionBlocks(), "gelu_pytorch_tanh");
        IllegalArgumentException act = assertThrows(IllegalArgumentException.class,
                () -> new QwenVisionTower(reference.family, gelu, reference.weights::get));
        assertTrue(act.getMessage().contains("hidden_act 'gelu_pytorch_tanh'"), act.getMessage());
        QwenVisionConfig outside = new QwenVisionConfig(c.depth(), c.hiddenSize(), c.heads(), c.intermediateSize(),
                c.patchSize(), c.temporalPatchSize(), c.spatialMergeSize(), c.inChannels(), c.outHiddenSize(),
                c.windowSize(), new int[] {1, 3}, c.hiddenAct());
        IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
                () -> new QwenVisionTower(reference.family, outside, reference.weights::get));
        assertTrue(block.getMessage().contains("fullatt_block_indexes holds 3"), block.getMessage());
    }
}
