package visq.deploy.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import visq.gpu.model.qwen.QwenCheckpoint;
import visq.gpu.model.qwen.QwenFamily;

/**
 * {@code visq bench --model-checkpoint DIR}: the settings that select a Hugging Face Qwen checkpoint, read from the
 * directory itself: {@code visq.model.kind} from config.json's {@code model_type}, {@code visq.model.checkpoint} the
 * directory. The values are HOCON-quoted, so any path works as an override.
 */
public final class ModelCheckpointOption {
    private ModelCheckpointOption() {}

    /**
     * The {@code --set}-style overrides for the checkpoint in {@code directory}.
     *
     * @throws IllegalArgumentException when the directory has no readable config.json, it is not a JSON object, it
     *     has no {@code model_type}, or the model type is not a Qwen2-VL / Qwen2.5-VL one
     */
    public static Map<String, String> overrides(Path directory) {
        Path file = directory.resolve(QwenCheckpoint.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--model-checkpoint " + directory + ": no " + QwenCheckpoint.CONFIG_FILE
                    + " there (expected a Hugging Face checkpoint directory)");
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException(file + " must hold a JSON object");
        }
        JsonObject config = parsed.getAsJsonObject();
        JsonElement modelType = config.get("model_type");
        if (modelType == null || !modelType.isJsonPrimitive()) {
            throw new IllegalArgumentException(file + " has no string field model_type");
        }
        QwenFamily family = QwenFamily.ofModelType(modelType.getAsString());
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("visq.model.kind", ConfigUtil.quoteString(family.kind()));
        overrides.put("visq.model.checkpoint", ConfigUtil.quoteString(directory.toString()));
        return overrides;
    }
}
