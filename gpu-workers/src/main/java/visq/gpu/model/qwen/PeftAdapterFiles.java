package visq.gpu.model.qwen;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import visq.gpu.model.checkpoint.SafetensorsFile;
import visq.gpu.model.checkpoint.SafetensorsWriter;

/**
 * LoRA adapters in PEFT's directory format: {@code adapter_config.json} and {@code adapter_model.safetensors}.
 *
 * <p>Tensor names: PEFT 0.21 with transformers 5 writes and loads
 * {@code base_model.model.model.language_model.layers.N.self_attn.q_proj.lora_A.weight}; adapters saved with
 * transformers 4 use {@code base_model.model.model.layers.N...}. Both are read; the transformers-5 form is written.
 * Only plain LoRA on decoder projections is supported: DoRA, rsLoRA, per-module rank or alpha patterns, LoRA bias,
 * {@code modules_to_save} and adapters on the vision tower are refused by name.
 */
public final class PeftAdapterFiles {

    /** The file names PEFT uses. */
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";

    private static final String WRITTEN_PREFIX = "base_model.model.model.language_model.";
    private static final List<String> READ_PREFIXES =
            List.of("base_model.model.model.language_model.", "base_model.model.model.");

    private PeftAdapterFiles() {}

    /**
     * The LoRA settings an adapter directory declares ({@code initSeed} is irrelevant for a loaded adapter: 0).
     *
     * @throws IllegalArgumentException for a missing or unreadable config or an unsupported option, naming it
     */
    public static LoraSettings readSettings(Path directory) {
        JsonObject config = readConfig(directory);
        String where = directory.resolve(CONFIG).toString();
        requireValue(config, "peft_type", "LORA", where);
        for (String flag : List.of("use_dora", "use_rslora", "fan_in_fan_out", "lora_bias", "use_qalora")) {
            if (config.has(flag) && !config.get(flag).isJsonNull() && config.get(flag).getAsBoolean()) {
                throw new IllegalArgumentException(where + ": " + flag + " = true is not supported");
            }
        }
        if (config.has("bias") && !config.get("bias").isJsonNull() && !"none".equals(config.get("bias").getAsString())) {
            throw new IllegalArgumentException(where + ": bias = " + config.get("bias") + " is not supported (only none)");
        }
        for (String absent : List.of("modules_to_save", "layers_to_transform", "layer_replication")) {
            if (config.has(absent) && !config.get(absent).isJsonNull()) {
                throw new IllegalArgumentException(where + ": " + absent + " is not supported, got " + config.get(absent));
            }
        }
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            if (config.has(pattern) && config.get(pattern).isJsonObject()
                    && config.getAsJsonObject(pattern).size() > 0) {
                throw new IllegalArgumentException(where + ": " + pattern + " is not supported, got " + config.get(pattern));
            }
        }
        int rank = requireNumber(config, "r", where).intValue();
        double alpha = requireNumber(config, "lora_alpha", where).doubleValue();
        double dropout = config.has("lora_dropout") ? config.get("lora_dropout").getAsDouble() : 0.0;
        JsonElement targets = config.get("target_modules");
        if (targets == null || !targets.isJsonArray()) {
            throw new IllegalArgumentException(where + ": target_modules must be a list of module names, got " + targets);
        }
        List<String> modules = new ArrayList<>();
        for (JsonElement module : targets.getAsJsonArray()) {
            modules.add(module.getAsString());
        }
        try {
            return new LoraSettings(rank, alpha, dropout, modules, 0L);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The adapter tensors of {@code directory} by the model's names ({@link LoraAdapters#names()}), checked against
     * {@code layout}: every tensor present with its shape, nothing else.
     */
    public static Map<String, float[]> readTensors(Path directory, LoraAdapters layout) {
        Path file = directory.resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("adapter directory " + directory + " has no " + WEIGHTS);
        }
        Map<String, long[]> expected = new HashMap<>();
        for (int i = 0; i < layout.names().size(); i++) {
            expected.put(layout.names().get(i), layout.shapes().get(i).getShape());
        }
        Map<String, float[]> out = new HashMap<>();
        List<String> problems = new ArrayList<>();
        try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
            for (String stored : tensors.names()) {
                String name = modelName(stored);
                if (name == null || !expected.containsKey(name)) {
                    problems.add("unexpected tensor " + stored);
                    continue;
                }
                long[] shape = tensors.header(stored).shape();
                if (!java.util.Arrays.equals(shape, expected.get(name))) {
                    problems.add("tensor " + stored + " has shape " + java.util.Arrays.toString(shape) + ", the model needs "
                            + java.util.Arrays.toString(expected.get(name)));
                    continue;
                }
                if (out.put(name, tensors.floats(stored)) != null) {
                    problems.add("tensor " + name + " is stored twice (under both name forms)");
                }
            }
        }
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(out.keySet());
        for (String name : missing) {
            problems.add("missing tensor " + WRITTEN_PREFIX + name.substring("model.".length()));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("adapter " + file + " does not fit the model: " + String.join("; ", problems));
        }
        return out;
    }

    /**
     * Writes {@code values} (in {@code layout} order) as a PEFT adapter into {@code directory} (created if needed),
     * with {@code baseModel} as {@code base_model_name_or_path}. Files are written then renamed.
     */
    public static void write(Path directory, LoraAdapters layout, List<float[]> values, String baseModel) {
        if (values.size() != layout.names().size()) {
            throw new IllegalArgumentException(values.size() + " tensors for an adapter layout of " + layout.names().size());
        }
        try {
            Files.createDirectories(directory);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (int i = 0; i < values.size(); i++) {
                String name = layout.names().get(i);
                writer.addFloats(WRITTEN_PREFIX + name.substring("model.".length()), layout.shapes().get(i).getShape(),
                        values.get(i));
            }
            Path weights = directory.resolve(WEIGHTS + ".tmp");
            writer.write(weights);
            Files.move(weights, directory.resolve(WEIGHTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Path config = directory.resolve(CONFIG + ".tmp");
            Files.writeString(config, configJson(layout.settings(), baseModel), StandardCharsets.UTF_8);
            Files.move(config, directory.resolve(CONFIG), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("adapter could not be written to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The adapter_config.json PEFT needs to load plain LoRA on the decoder projections. */
    static String configJson(LoraSettings settings, String baseModel) {
        JsonObject config = new JsonObject();
        config.addProperty("peft_type", "LORA");
        config.addProperty("task_type", (String) null);
        config.addProperty("base_model_name_or_path", baseModel);
        config.addProperty("r", settings.rank());
        config.addProperty("lora_alpha", settings.alpha());
        config.addProperty("lora_dropout", settings.dropout());
        JsonArray modules = new JsonArray();
        for (String target : new TreeSet<>(settings.targets())) {
            modules.add(target);
        }
        config.add("target_modules", modules);
        config.addProperty("bias", "none");
        config.addProperty("fan_in_fan_out", false);
        config.addProperty("inference_mode", true);
        config.addProperty("init_lora_weights", true);
        config.addProperty("use_rslora", false);
        config.addProperty("use_dora", false);
        config.add("rank_pattern", new JsonObject());
        config.add("alpha_pattern", new JsonObject());
        config.add("modules_to_save", null);
        config.add("layers_to_transform", null);
        config.add("layers_pattern", null);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(config) + "\n";
    }

    /** {@code model.layers.N...} for a stored PEFT name, or null when it is no decoder LoRA tensor. */
    private static String modelName(String stored) {
        for (String prefix : READ_PREFIXES) {
            if (stored.startsWith(prefix + "layers.")) {
                return "model." + stored.substring(prefix.length());
            }
        }
        return null;
    }

    private static JsonObject readConfig(Path directory) {
        Path file = directory.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("adapter directory " + directory + " has no " + CONFIG);
        }
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!root.isJsonObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return root.getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void requireValue(JsonObject config, String key, String value, String where) {
        if (!config.has(key) || config.get(key).isJsonNull() || !value.equals(config.get(key).getAsString())) {
            throw new IllegalArgumentException(where + ": " + key + " must be " + value + ", got " + config.get(key));
        }
    }

    private static Number requireNumber(JsonObject config, String key, String where) {
        JsonElement value = config.get(key);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(where + ": " + key + " must be a number, got " + value);
        }
        return value.getAsNumber();
    }
}
