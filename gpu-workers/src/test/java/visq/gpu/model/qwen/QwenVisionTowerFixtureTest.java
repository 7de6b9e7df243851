package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import visq.gpu.golden.StrictJson;
import visq.gpu.model.checkpoint.CheckpointTensors;
import visq.gpu.model.checkpoint.SafetensorsFile;

/**
 * The tower on the tiny Qwen2.5-VL and Qwen2-VL checkpoints of the fixtures ({@code tools/qwen-reference/
 * make_fixtures.py}): the pixel rows and grids transformers' image processor produced for the two images, and the
 * vision tower's output ({@code image.*.vision_embeds}), patch embedding and block outputs
 * ({@code image.*.vision_hidden.*}) in {@code <variant>/golden.safetensors}, all within 1e-4.
 */
class QwenVisionTowerFixtureTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_5_vl", "qwen2_vl"})
    void eachImageMatchesTransformers(String variant) {
        Path root = resource("/qwen/" + variant);
        try (NDManager weights = NDManager.newBaseManager();
                CheckpointTensors checkpoint = CheckpointTensors.open(root.resolve("checkpoint"));
                SafetensorsFile golden = SafetensorsFile.open(root.resolve("golden.safetensors"));
                NDManager scope = NDManager.newBaseManager()) {
            QwenVisionTower tower = tower(root, checkpoint, weights);
            for (String image : List.of("small", "large")) {
                String prefix = "image." + image + ".";
                VisionGrid grid = grid(golden.longs(prefix + "grid_thw"));
                QwenVisionTower.Trace trace = tower.trace(scope, golden.floats(prefix + "pixel_values"), List.of(grid));
                assertEquals(new Shape(golden.header(prefix + "vision_embeds").shape()), trace.embeddings().getShape());
                compare(variant, golden, prefix + "vision_hidden.patch_embed", trace.patchEmbeddings());
                for (int k = 0; k < trace.blockOutputs().size(); k++) {
                    compare(variant, golden, prefix + "vision_hidden." + k, trace.blockOutputs().get(k));
                }
                compare(variant, golden, prefix + "vision_embeds", trace.embeddings());
            }
        }
    }

    /** Both images in one call (as prompt 2 carries them) give each image's own tokens, one after the other. */
    @ParameterizedTest
    @ValueSource(strings = {"qwen2_5_vl", "qwen2_vl"})
    void bothImagesInOneCallMatchTransformers(String variant) {
        Path root = resource("/qwen/" + variant);
        try (NDManager weights = NDManager.newBaseManager();
                CheckpointTensors checkpoint = CheckpointTensors.open(root.resolve("checkpoint"));
                SafetensorsFile golden = SafetensorsFile.open(root.resolve("golden.safetensors"));
                NDManager scope = NDManager.newBaseManager()) {
            QwenVisionTower tower = tower(root, checkpoint, weights);
            float[] small = golden.floats("image.small.pixel_values");
            float[] large = golden.floats("image.large.pixel_values");
            float[] both = Arrays.copyOf(small, small.length + large.length);
            System.arraycopy(large, 0, both, small.length, large.length);
            List<VisionGrid> grids = List.of(grid(golden.longs("image.small.grid_thw")),
                    grid(golden.longs("image.large.grid_thw")));
            float[] expectedSmall = golden.floats("image.small.vision_embeds");
            float[] expectedLarge = golden.floats("image.large.vision_embeds");
            float[] expected = Arrays.copyOf(expectedSmall, expectedSmall.length + expectedLarge.length);
            System.arraycopy(expectedLarge, 0, expected, expectedSmall.length, expectedLarge.length);
            double difference = QwenVisionTowerGolden.maxAbsDifference(
                    expected, tower.embed(scope, both, grids).toFloatArray());
            report(variant + " small + large in one call: vision_embeds", difference);
        }
    }

    private static void compare(String variant, SafetensorsFile golden, String name, NDArray actual) {
        assertEquals(new Shape(golden.header(name).shape()), actual.getShape(), name);
        report(variant + " " + name, QwenVisionTowerGolden.maxAbsDifference(golden.floats(name), actual.toFloatArray()));
    }

    private static void report(String what, double difference) {
        System.out.printf("%s: max |diff| %.3g%n", what, difference);
        assertTrue(difference <= TOLERANCE, what + ": max |diff| " + difference + " > " + TOLERANCE);
    }

    /** The tower of the checkpoint under {@code root}, its visual.* tensors read into {@code weights}. */
    private static QwenVisionTower tower(Path root, CheckpointTensors checkpoint, NDManager weights) {
        Map<String, Object> config = QwenVisionTowerGolden.object(json(root.resolve("checkpoint/config.json")));
        QwenFamily family = QwenFamily.ofModelType((String) config.get("model_type"));
        QwenVisionConfig vision = visionConfig(family, QwenVisionTowerGolden.object(config.get("vision_config")),
                outHiddenSize(config));
        Map<String, NDArray> tensors = new HashMap<>();
        for (String name : checkpoint.names()) {
            if (name.startsWith("visual.")) {
                tensors.put(name, checkpoint.toArray(weights, name));
            }
        }
        assertEquals(QwenVisionTower.expectedTensors(family, vision).keySet(), tensors.keySet(),
                "the checkpoint's visual.* tensors are the ones the tower reads");
        return new QwenVisionTower(family, vision, tensors::get);
    }

    /** The decoder width the merger projects to (text_config.hidden_size in the transformers-5 layout). */
    private static int outHiddenSize(Map<String, Object> config) {
        Object text = config.get("text_config");
        Map<String, Object> fields = text == null ? config : QwenVisionTowerGolden.object(text);
        return QwenVisionTowerGolden.integer(fields.get("hidden_size"));
    }

    /**
     * vision_config of config.json, read here only for the test (the checkpoint loader owns the real parsing):
     * 2.5 names the block width hidden_size, 2-VL names it embed_dim and its hidden_size is the merger's output.
     */
    private static QwenVisionConfig visionConfig(QwenFamily family, Map<String, Object> c, int outHiddenSize) {
        int depth = QwenVisionTowerGolden.integer(c.get("depth"));
        int heads = QwenVisionTowerGolden.integer(c.get("num_heads"));
        int patch = QwenVisionTowerGolden.integer(c.get("patch_size"));
        int temporal = QwenVisionTowerGolden.integer(c.get("temporal_patch_size"));
        int merge = QwenVisionTowerGolden.integer(c.get("spatial_merge_size"));
        int channels = QwenVisionTowerGolden.integer(c.get("in_channels"));
        String act = (String) c.get("hidden_act");
        if (family == QwenFamily.QWEN2_VL) {
            int embed = QwenVisionTowerGolden.integer(c.get("embed_dim"));
            int[] all = new int[depth];
            Arrays.setAll(all, i -> i);
            return new QwenVisionConfig(depth, embed, heads, embed * QwenVisionTowerGolden.integer(c.get("mlp_ratio")),
                    patch, temporal, merge, channels, QwenVisionTowerGolden.integer(c.get("hidden_size")), 0, all, act);
        }
        int out = c.containsKey("out_hidden_size") ? QwenVisionTowerGolden.integer(c.get("out_hidden_size")) : outHiddenSize;
        return new QwenVisionConfig(depth, QwenVisionTowerGolden.integer(c.get("hidden_size")), heads,
                QwenVisionTowerGolden.integer(c.get("intermediate_size")), patch, temporal, merge, channels, out,
                QwenVisionTowerGolden.integer(c.get("window_size")),
                QwenVisionTowerGolden.ints(c.get("fullatt_block_indexes")), act);
    }

    private static VisionGrid grid(long[] thw) {
        return new VisionGrid(Math.toIntExact(thw[0]), Math.toIntExact(thw[1]), Math.toIntExact(thw[2]));
    }

    private static Object json(Path file) {
        try {
            return StrictJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(QwenVisionTowerFixtureTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
