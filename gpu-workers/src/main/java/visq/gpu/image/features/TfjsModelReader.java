package visq.gpu.image.features;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a model saved in the TF.js layers format: {@code model.json} (a Keras functional topology under
 * {@code modelTopology} and a {@code weightsManifest}) and its binary weight shards.
 *
 * <p>Each manifest group lists shard files whose bytes, concatenated in order, hold the group's weights one after
 * another in manifest order, little-endian. A weight is stored as its {@code dtype} (float32) or, when it has a
 * {@code quantization} entry, as {@code uint8} or {@code uint16} codes (value = code · scale + min, computed in
 * double and rounded to float32 as tfjs does) or as {@code float16}.
 *
 * <p>Anything malformed (invalid JSON, a missing field, a shard of the wrong size, a path leaving the model's
 * folder, an unsupported dtype) throws {@link IllegalArgumentException} naming the problem.
 */
public final class TfjsModelReader {

    /** Supplies a shard's bytes by the path the manifest gives. */
    @FunctionalInterface
    public interface ShardSource {
        byte[] read(String path) throws IOException;
    }

    private TfjsModelReader() {}

    /** Reads {@code modelJson} and the shards it names from the same folder. */
    public static TfjsLayersModel read(Path modelJson) throws IOException {
        Path folder = modelJson.toAbsolutePath().normalize().getParent();
        String text = Files.readString(modelJson, StandardCharsets.UTF_8);
        return parse(text, path -> Files.readAllBytes(shardPath(folder, path)));
    }

    /** Parses the text of a {@code model.json} and reads its shards from {@code shards}. */
    public static TfjsLayersModel parse(String modelJson, ShardSource shards) throws IOException {
        JsonObject root = object(parseJson(modelJson), "model.json");
        JsonObject topology = object(member(root, "modelTopology", "model.json"), "modelTopology");
        JsonObject model = topology.has("model_config")
                ? object(topology.get("model_config"), "modelTopology.model_config")
                : topology;
        String modelClass = string(member(model, "class_name", "model config"), "model config class_name");
        if (!modelClass.equals("Model") && !modelClass.equals("Functional")) {
            throw new IllegalArgumentException("unsupported Keras model class " + modelClass
                    + " (only functional models, class Model or Functional)");
        }
        JsonObject config = object(member(model, "config", "model config"), "model config");
        List<KerasLayerSpec> layers = layers(array(member(config, "layers", "model config"), "layers"));
        List<String> inputs = endpoints(member(config, "input_layers", "model config"), "input_layers");
        List<String> outputs = endpoints(member(config, "output_layers", "model config"), "output_layers");
        Map<String, TfjsWeight> weights = weights(
                array(member(root, "weightsManifest", "model.json"), "weightsManifest"), shards);
        return new TfjsLayersModel(layers, inputs, outputs, weights);
    }

    private static Path shardPath(Path folder, String path) {
        Path resolved = folder.resolve(path).normalize();
        if (Path.of(path).isAbsolute() || !resolved.startsWith(folder)) {
            throw new IllegalArgumentException("weight shard path " + path + " leaves the model's folder " + folder);
        }
        return resolved;
    }

    private static JsonElement parseJson(String text) {
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("model.json is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static List<KerasLayerSpec> layers(JsonArray array) {
        List<KerasLayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String where = "layer " + i;
            JsonObject layer = object(array.get(i), where);
            String name = string(member(layer, "name", where), where + " name");
            where = "layer " + name;
            String className = string(member(layer, "class_name", where), where + " class_name");
            JsonObject config = object(member(layer, "config", where), where + " config");
            layers.add(new KerasLayerSpec(name, className, inboundLayers(layer, name), new LayerConfig(name, config)));
        }
        return layers;
    }

    /** The producers of a layer's single inbound node: {@code [[["name", 0, 0, {}], ...]]}. */
    private static List<String> inboundLayers(JsonObject layer, String name) {
        String where = "layer " + name + " inbound_nodes";
        JsonArray nodes = array(member(layer, "inbound_nodes", "layer " + name), where);
        if (nodes.size() == 0) {
            return List.of();
        }
        if (nodes.size() > 1) {
            throw new IllegalArgumentException(where
                    + ": a layer called more than once (shared layers) is not supported");
        }
        List<String> inputs = new ArrayList<>();
        for (JsonElement entry : array(nodes.get(0), where)) {
            JsonArray reference = array(entry, where);
            if (reference.size() < 3) {
                throw new IllegalArgumentException(where + ": expected [layer, node, tensor, kwargs], got "
                        + reference);
            }
            if (integer(reference.get(1), where) != 0 || integer(reference.get(2), where) != 0) {
                throw new IllegalArgumentException(where + ": only node 0, tensor 0 of a layer is supported, got "
                        + reference);
            }
            inputs.add(string(reference.get(0), where));
        }
        return inputs;
    }

    private static List<String> endpoints(JsonElement element, String where) {
        List<String> names = new ArrayList<>();
        for (JsonElement entry : array(element, where)) {
            JsonArray reference = array(entry, where);
            if (reference.size() != 3 || integer(reference.get(1), where) != 0
                    || integer(reference.get(2), where) != 0) {
                throw new IllegalArgumentException(where + ": expected [layer, 0, 0], got " + reference);
            }
            names.add(string(reference.get(0), where));
        }
        return names;
    }

    private static Map<String, TfjsWeight> weights(JsonArray manifest, ShardSource shards) throws IOException {
        Map<String, TfjsWeight> weights = new LinkedHashMap<>();
        for (int g = 0; g < manifest.size(); g++) {
            String where = "weightsManifest group " + g;
            JsonObject group = object(manifest.get(g), where);
            List<String> paths = new ArrayList<>();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (JsonElement path : array(member(group, "paths", where), where + " paths")) {
                String shard = string(path, where + " paths");
                paths.add(shard);
                bytes.write(shards.read(shard));
            }
            JsonArray specs = array(member(group, "weights", where), where + " weights");
            ByteBuffer data = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            long needed = 0;
            List<WeightSpec> parsed = new ArrayList<>();
            for (JsonElement spec : specs) {
                WeightSpec weight = WeightSpec.of(object(spec, where + " weight"));
                parsed.add(weight);
                needed += weight.byteSize();
            }
            if (needed != data.capacity()) {
                throw new IllegalArgumentException(where + " declares weights of " + needed + " bytes but its shards "
                        + paths + " hold " + data.capacity() + " bytes");
            }
            for (WeightSpec weight : parsed) {
                if (weights.containsKey(weight.name)) {
                    throw new IllegalArgumentException("weightsManifest names weight " + weight.name + " twice");
                }
                weights.put(weight.name, new TfjsWeight(weight.name, weight.shape, weight.decode(data)));
            }
        }
        return weights;
    }

    /** One manifest entry: where its bytes are and how to turn them into float32 values. */
    private static final class WeightSpec {
        final String name;
        final int[] shape;
        final int count;
        final Storage storage;
        final double min;
        final double scale;

        private WeightSpec(String name, int[] shape, int count, Storage storage, double min, double scale) {
            this.name = name;
            this.shape = shape;
            this.count = count;
            this.storage = storage;
            this.min = min;
            this.scale = scale;
        }

        static WeightSpec of(JsonObject spec) {
            String name = string(member(spec, "name", "weight"), "weight name");
            String where = "weight " + name;
            JsonArray dims = array(member(spec, "shape", where), where + " shape");
            int[] shape = new int[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = integer(dims.get(i), where + " shape");
            }
            long count = TfjsWeight.elementCount(shape);
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + " has too many elements: " + Arrays.toString(shape));
            }
            String dtype = string(member(spec, "dtype", where), where + " dtype");
            if (!dtype.equals("float32")) {
                throw new IllegalArgumentException(where + " has dtype " + dtype
                        + "; only float32 weights are supported");
            }
            if (!spec.has("quantization") || spec.get("quantization").isJsonNull()) {
                return new WeightSpec(name, shape, (int) count, Storage.FLOAT32, 0, 1);
            }
            JsonObject quantization = object(spec.get("quantization"), where + " quantization");
            String stored = string(member(quantization, "dtype", where + " quantization"),
                    where + " quantization dtype");
            switch (stored) {
                case "uint8":
                case "uint16":
                    double min = number(member(quantization, "min", where + " quantization"), where + " min");
                    double scale = number(member(quantization, "scale", where + " quantization"), where + " scale");
                    Storage storage = stored.equals("uint8") ? Storage.UINT8 : Storage.UINT16;
                    return new WeightSpec(name, shape, (int) count, storage, min, scale);
                case "float16":
                    return new WeightSpec(name, shape, (int) count, Storage.FLOAT16, 0, 1);
                default:
                    throw new IllegalArgumentException(where + " has unknown quantization dtype " + stored
                            + " (uint8, uint16 or float16)");
            }
        }

        long byteSize() {
            return (long) count * storage.bytes;
        }

        /** Reads this weight's bytes from the buffer's position on. */
        float[] decode(ByteBuffer data) {
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                switch (storage) {
                    case FLOAT32:
                        values[i] = data.getFloat();
                        break;
                    case UINT8:
                        values[i] = (float) ((data.get() & 0xFF) * scale + min);
                        break;
                    case UINT16:
                        values[i] = (float) ((data.getShort() & 0xFFFF) * scale + min);
                        break;
                    default:
                        values[i] = halfToFloat(data.getShort());
                        break;
                }
            }
            return values;
        }
    }

    private enum Storage {
        FLOAT32(4), UINT8(1), UINT16(2), FLOAT16(2);

        final int bytes;

        Storage(int bytes) {
            this.bytes = bytes;
        }
    }

    /** IEEE 754 binary16 to float32 (subnormals, infinities and NaN included). */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits >>> 15) << 31;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static JsonElement member(JsonObject object, String key, String where) {
        if (!object.has(key) || object.get(key).isJsonNull()) {
            throw new IllegalArgumentException(where + " has no " + key);
        }
        return object.get(key);
    }

    private static JsonObject object(JsonElement element, String where) {
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object, got " + element);
        }
        return element.getAsJsonObject();
    }

    private static JsonArray array(JsonElement element, String where) {
        if (!element.isJsonArray()) {
            throw new IllegalArgumentException(where + " must be a JSON list, got " + element);
        }
        return element.getAsJsonArray();
    }

    private static String string(JsonElement element, String where) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(where + " must be a string, got " + element);
        }
        return element.getAsString();
    }

    private static double number(JsonElement element, String where) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()
                || !Double.isFinite(element.getAsDouble())) {
            throw new IllegalArgumentException(where + " must be a finite number, got " + element);
        }
        return element.getAsDouble();
    }

    private static int integer(JsonElement element, String where) {
        double value = number(element, where);
        if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + " must be a non-negative integer, got " + element);
        }
        return (int) value;
    }
}
