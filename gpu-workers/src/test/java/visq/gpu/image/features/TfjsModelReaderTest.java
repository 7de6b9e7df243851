package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The TF.js layers-format reader against the weights TF.js itself decodes ({@code tiny-golden.json} and
 * {@code mobilenet-golden.json}, both from tools/mobilenet-reference/golden.js), and on malformed input.
 */
class TfjsModelReaderTest {

    private static final String TINY_JSON = MobileNetFixtures.text("tiny-model.json");

    private static byte[] tinyShard() throws IOException {
        return Files.readAllBytes(MobileNetFixtures.resource("tiny.bin"));
    }

    @Test
    void decodesEveryStorageAsTfjsDoes() throws IOException {
        TfjsLayersModel model = TfjsModelReader.read(MobileNetFixtures.resource("tiny-model.json"));
        JsonObject expected = MobileNetFixtures.json("tiny-golden.json").getAsJsonObject("weights");
        assertEquals(expected.size(), model.weights().size());
        for (Map.Entry<String, com.google.gson.JsonElement> entry : expected.entrySet()) {
            float[] want = MobileNetFixtures.floats(entry.getValue());
            float[] got = model.weights().get(entry.getKey()).values();
            assertEquals(want.length, got.length, entry.getKey());
            for (int i = 0; i < want.length; i++) {
                // golden.js prints 8 significant digits of the float32 TF.js decoded
                assertEquals(want[i], got[i], 1e-7 * Math.max(1, Math.abs(want[i])), entry.getKey() + "[" + i + "]");
            }
        }
        assertEquals("tiny_input", model.inputLayers().get(0));
        assertEquals("dense_softmax", model.outputLayers().get(0));
        assertEquals("Add", model.layer("add").className());
        assertEquals(java.util.List.of("depthwise_m2", "pointwise"), model.layer("add").inputs());
    }

    @Test
    void readsTheSharedNsfwjsModel() throws IOException {
        TfjsLayersModel model = TfjsModelReader.read(MobileNetFixtures.sharedModel());
        // model.json: 162 layers, 266 uint8 weights whose element count is the shard's byte count (2,619,461)
        assertEquals(162, model.layers().size());
        assertEquals(266, model.weights().size());
        assertEquals(Files.size(MobileNetFixtures.sharedModel().resolveSibling("group1-shard1of1.bin")),
                model.parameterCount());
        JsonObject expected = MobileNetFixtures.json("mobilenet-golden.json").getAsJsonObject("weights");
        for (String name : expected.keySet()) {
            JsonObject weight = expected.getAsJsonObject(name);
            TfjsWeight got = model.weights().get(name);
            assertArrayEquals(MobileNetFixtures.ints(weight.get("shape")), got.shape(), name);
            float[] first = MobileNetFixtures.floats(weight.get("first"));
            for (int i = 0; i < first.length; i++) {
                assertEquals(first[i], got.valueAt(i), 1e-7 * Math.max(1, Math.abs(first[i])), name + "[" + i + "]");
            }
        }
    }

    @Test
    void rejectsInvalidJson() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(TINY_JSON.substring(0, TINY_JSON.length() / 2), path -> tinyShard()));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void rejectsAShardOfTheWrongSize() throws IOException {
        byte[] shard = tinyShard();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(TINY_JSON, path -> Arrays.copyOf(shard, shard.length - 1)));
        assertTrue(e.getMessage().contains("declares weights of " + shard.length + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("hold " + (shard.length - 1) + " bytes"), e.getMessage());
    }

    @Test
    void rejectsAShardPathOutsideTheModelFolder(@org.junit.jupiter.api.io.TempDir Path folder) throws IOException {
        String json = edited(root -> manifestGroup(root).getAsJsonArray("paths").set(0,
                new com.google.gson.JsonPrimitive("../elsewhere.bin")));
        Path modelJson = folder.resolve("sub").resolve("model.json");
        Files.createDirectories(modelJson.getParent());
        Files.writeString(modelJson, json);
        Files.write(folder.resolve("elsewhere.bin"), tinyShard());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TfjsModelReader.read(modelJson));
        assertTrue(e.getMessage().contains("leaves the model's folder"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownQuantisation() {
        String json = edited(root -> weightSpec(root, 1).getAsJsonObject("quantization").addProperty("dtype", "int4"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(json, path -> tinyShard()));
        assertTrue(e.getMessage().contains("unknown quantization dtype int4"), e.getMessage());
    }

    @Test
    void rejectsAQuantisationWithoutScale() {
        String json = edited(root -> weightSpec(root, 1).getAsJsonObject("quantization").remove("scale"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(json, path -> tinyShard()));
        assertTrue(e.getMessage().contains("conv_same_s2/bias quantization has no scale"), e.getMessage());
    }

    @Test
    void rejectsWeightsThatAreNotFloat32() {
        String json = edited(root -> weightSpec(root, 0).addProperty("dtype", "int32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(json, path -> tinyShard()));
        assertTrue(e.getMessage().contains("conv_same_s2/kernel has dtype int32"), e.getMessage());
    }

    @Test
    void rejectsAWeightNamedTwice() {
        String json = edited(root -> weightSpec(root, 1).addProperty("name", "conv_same_s2/kernel"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(json, path -> tinyShard()));
        assertTrue(e.getMessage().contains("names weight conv_same_s2/kernel twice"), e.getMessage());
    }

    @Test
    void rejectsASequentialModel() {
        String json = edited(root -> root.getAsJsonObject("modelTopology").addProperty("class_name", "Sequential"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TfjsModelReader.parse(json, path -> tinyShard()));
        assertTrue(e.getMessage().contains("unsupported Keras model class Sequential"), e.getMessage());
    }

    @Test
    void decodesHalfFloats() {
        // IEEE 754 binary16 reference bit patterns: 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), +inf
        assertEquals(1.0f, TfjsModelReader.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, TfjsModelReader.halfToFloat((short) 0xC000));
        assertEquals(65504f, TfjsModelReader.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, TfjsModelReader.halfToFloat((short) 0x0001));
        assertEquals(Float.POSITIVE_INFINITY, TfjsModelReader.halfToFloat((short) 0x7C00));
        assertTrue(Float.isNaN(TfjsModelReader.halfToFloat((short) 0x7E00)));
    }

    /** tiny-model.json changed by {@code edit}. */
    static String edited(Consumer<JsonObject> edit) {
        JsonObject root = JsonParser.parseString(TINY_JSON).getAsJsonObject();
        edit.accept(root);
        return root.toString();
    }

    static JsonObject manifestGroup(JsonObject root) {
        return root.getAsJsonArray("weightsManifest").get(0).getAsJsonObject();
    }

    static JsonObject weightSpec(JsonObject root, int index) {
        JsonArray weights = manifestGroup(root).getAsJsonArray("weights");
        return weights.get(index).getAsJsonObject();
    }
}
