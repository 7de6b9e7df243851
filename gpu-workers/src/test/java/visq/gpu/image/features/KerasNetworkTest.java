package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Keras graph in DJL against the tiny model's outputs from TF.js ({@code tiny-golden.json}, written by
 * tools/mobilenet-reference/golden.js): every layer type, 'same' padding with stride 2 on odd and even sizes, depth
 * multiplier 2, capped ReLU, asymmetric zero padding, pooling, flatten order, dense softmax; and its errors.
 */
class KerasNetworkTest {

    private static TfjsLayersModel tiny(String json) throws IOException {
        byte[] shard = Files.readAllBytes(MobileNetFixtures.resource("tiny.bin"));
        return TfjsModelReader.parse(json, path -> shard);
    }

    /** The input golden.js fed the tiny model: value[i] = ((i * 37) % 101) / 50 - 1 over the flat NHWC index. */
    private static NDArray tinyInput(NDManager manager) {
        float[] values = new float[2 * 9 * 10 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((i * 37) % 101) / 50f - 1;
        }
        return manager.create(values, new Shape(2, 9, 10, 3));
    }

    @Test
    void everyLayerMatchesTfjs() throws IOException {
        JsonObject golden = MobileNetFixtures.json("tiny-golden.json");
        try (NDManager manager = NDManager.newBaseManager();
                KerasNetwork network = KerasNetwork.load(tiny(MobileNetFixtures.text("tiny-model.json")), manager)) {
            List<String> names = new ArrayList<>();
            for (JsonElement layer : golden.getAsJsonArray("layers")) {
                names.add(layer.getAsJsonObject().get("name").getAsString());
            }
            Map<String, NDArray> outputs = network.run(tinyInput(manager), names);
            for (JsonElement element : golden.getAsJsonArray("layers")) {
                JsonObject layer = element.getAsJsonObject();
                String name = layer.get("name").getAsString();
                NDArray output = outputs.get(name);
                int[] shape = MobileNetFixtures.ints(layer.get("shape"));
                assertEquals(shapeOf(shape), output.getShape(), name);
                float[] want = MobileNetFixtures.floats(layer.get("full"));
                float[] got = output.toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5, name + "[" + i + "]");
                }
                int[] declared = network.outputShape(name);
                for (int d = 0; d < declared.length; d++) {
                    assertEquals(shape[d + 1], declared[d], name + " declared shape");
                }
            }
        }
    }

    @Test
    void runsInTheCallersScopeAndFreesItsIntermediates() throws IOException {
        try (NDManager weights = NDManager.newBaseManager();
                KerasNetwork network = KerasNetwork.load(tiny(MobileNetFixtures.text("tiny-model.json")), weights);
                NDManager scope = NDManager.newBaseManager()) {
            NDArray input = tinyInput(scope);
            NDArray prediction = network.predict(input);
            assertEquals(new Shape(2, 3), prediction.getShape());
            assertEquals(scope, prediction.getManager());
            // the scope holds the input and the prediction only: the run's sub-manager is closed
            assertEquals(2, scope.getManagedArrays().size());
            for (NDArray parameter : weights.getManagedArrays()) {
                assertFalse(parameter.hasGradient(), "parameters are frozen");
            }
            // softmax rows sum to one
            float[] p = prediction.toFloatArray();
            assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
        }
    }

    @Test
    void rejectsAnUnknownLayerType() {
        String json = TfjsModelReaderTest.edited(root -> layer(root, "pointwise").addProperty("class_name",
                "SeparableConv2D"));
        assertRejected(json, "layer pointwise has unsupported layer type SeparableConv2D");
    }

    @Test
    void rejectsAKernelOfTheWrongShape() {
        String json = TfjsModelReaderTest.edited(root -> layer(root, "pointwise").getAsJsonObject("config")
                .addProperty("filters", 7));
        assertRejected(json, "weight pointwise/kernel has shape [1, 1, 4, 8], layer pointwise needs [1, 1, 4, 7]");
    }

    @Test
    void rejectsAMissingWeight() {
        String json = TfjsModelReaderTest.edited(root -> layer(root, "pointwise").getAsJsonObject("config")
                .addProperty("use_bias", true));
        assertRejected(json, "layer pointwise needs weight pointwise/bias");
    }

    @Test
    void rejectsAWeightNoLayerUses() throws IOException {
        String json = TfjsModelReaderTest.edited(root -> {
            JsonObject ghost = new JsonObject();
            ghost.addProperty("name", "ghost/bias");
            JsonArray shape = new JsonArray();
            shape.add(1);
            ghost.add("shape", shape);
            ghost.addProperty("dtype", "float32");
            TfjsModelReaderTest.manifestGroup(root).getAsJsonArray("weights").add(ghost);
        });
        byte[] shard = Files.readAllBytes(MobileNetFixtures.resource("tiny.bin"));
        byte[] longer = java.util.Arrays.copyOf(shard, shard.length + 4);
        TfjsLayersModel model = TfjsModelReader.parse(json, path -> longer);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                KerasNetwork.load(model, manager).close();
            }
        });
        assertTrue(e.getMessage().contains("weights that no layer uses: [ghost/bias]"), e.getMessage());
    }

    @Test
    void rejectsALayerFedByALaterOne() {
        String json = TfjsModelReaderTest.edited(root -> layer(root, "bn").getAsJsonArray("inbound_nodes").get(0)
                .getAsJsonArray().get(0).getAsJsonArray().set(0, new com.google.gson.JsonPrimitive("add")));
        assertRejected(json, "layer bn takes the output of add, which is not an earlier layer");
    }

    @Test
    void rejectsInputsThatDoNotFit() throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
                KerasNetwork network = KerasNetwork.load(tiny(MobileNetFixtures.text("tiny-model.json")), manager)) {
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                    () -> network.predict(manager.zeros(new Shape(1, 9, 10, 4))));
            assertTrue(channels.getMessage().contains("N×H×W×3"), channels.getMessage());
            // convolutional layers take any size; the dense head needs the flattened size it was built for
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> network.predict(manager.zeros(new Shape(1, 13, 10, 3))));
            assertTrue(size.getMessage().contains("layer dense_relu takes 72 features"), size.getMessage());
            Map<String, NDArray> early = network.run(manager.zeros(new Shape(1, 13, 10, 3)), List.of("pool"));
            assertEquals(new Shape(1, 4, 3, 8), early.get("pool").getShape());
            assertThrows(IllegalArgumentException.class, () -> network.run(manager.zeros(new Shape(1, 9, 10, 3)),
                    List.of("no_such_layer")));
        }
    }

    @Test
    void samePaddingPutsTheOddPixelAfter() {
        // TF's rule: total = max((ceil(n / s) - 1) * s + k - n, 0), before = total / 2
        assertEquals(List.of(0, 1), padding(10, 3, 2));
        assertEquals(List.of(1, 1), padding(9, 3, 2));
        assertEquals(List.of(1, 1), padding(7, 3, 1));
    }

    private static List<Integer> padding(int size, int window, int stride) {
        int[] pair = NetworkLayers.samePadding(size, window, stride);
        return List.of(pair[0], pair[1]);
    }

    private static void assertRejected(String json, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                KerasNetwork.load(tiny(json), manager).close();
            }
        });
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static JsonObject layer(JsonObject root, String name) {
        JsonArray layers = root.getAsJsonObject("modelTopology").getAsJsonObject("config").getAsJsonArray("layers");
        for (JsonElement layer : layers) {
            if (layer.getAsJsonObject().get("name").getAsString().equals(name)) {
                return layer.getAsJsonObject();
            }
        }
        throw new IllegalStateException("no layer " + name);
    }

    private static Shape shapeOf(int[] dims) {
        long[] longs = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            longs[i] = dims[i];
        }
        return new Shape(longs);
    }
}
