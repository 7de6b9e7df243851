package visq.gpu.model.qwen;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * One JSON object of a checkpoint's configuration files, read field by field with errors that name the file and
 * the field's full path ({@code vision_config.hidden_size}). A field set to {@code null} counts as absent, as in
 * transformers.
 */
final class QwenCheckpointJson {

    private final JsonObject object;
    private final String source;
    private final String prefix;

    private QwenCheckpointJson(JsonObject object, String source, String prefix) {
        this.object = object;
        this.source = source;
        this.prefix = prefix;
    }

    /** Reads {@code file}, which must hold a JSON object. */
    static QwenCheckpointJson read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidCheckpointException("checkpoint file " + file + " is missing", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(text, file.toString());
    }

    /** Parses {@code json}, the content of {@code source}. */
    static QwenCheckpointJson parse(String json, String source) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new InvalidCheckpointException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new InvalidCheckpointException(source + " does not hold a JSON object");
        }
        return new QwenCheckpointJson(root.getAsJsonObject(), source, "");
    }

    /** The file this object came from. */
    String source() {
        return source;
    }

    /** The full path of {@code key} in its file, for messages. */
    String field(String key) {
        return prefix + key;
    }

    /** An error naming the file, the field and its value. */
    InvalidCheckpointException error(String key, String problem) {
        JsonElement value = object.get(key);
        String shown = value == null || value.isJsonNull() ? "" : " = " + value;
        return new InvalidCheckpointException(source + ": " + field(key) + shown + " " + problem);
    }

    boolean has(String key) {
        JsonElement value = object.get(key);
        return value != null && !value.isJsonNull();
    }

    boolean isArray(String key) {
        return has(key) && object.get(key).isJsonArray();
    }

    /** The nested object {@code key}, or empty when absent. */
    Optional<QwenCheckpointJson> optionalObject(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonElement value = object.get(key);
        if (!value.isJsonObject()) {
            throw error(key, "is not a JSON object");
        }
        return Optional.of(new QwenCheckpointJson(value.getAsJsonObject(), source, field(key) + "."));
    }

    OptionalInt optionalInt(String key) {
        if (!has(key)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(toInt(key, object.get(key)));
    }

    int requiredInt(String key) {
        return optionalInt(key).orElseThrow(() -> missing(key));
    }

    int intOr(String key, int fallback) {
        return optionalInt(key).orElse(fallback);
    }

    /** A positive integer, {@code fallback} when absent. */
    int positiveIntOr(String key, int fallback) {
        int value = intOr(key, fallback);
        if (value <= 0) {
            throw error(key, "must be a positive integer");
        }
        return value;
    }

    int requiredPositiveInt(String key) {
        int value = requiredInt(key);
        if (value <= 0) {
            throw error(key, "must be a positive integer");
        }
        return value;
    }

    long longOr(String key, long fallback) {
        if (!has(key)) {
            return fallback;
        }
        BigDecimal value = integral(key, object.get(key));
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            throw error(key, "does not fit in 64 bits");
        }
    }

    OptionalDouble optionalDouble(String key) {
        if (!has(key)) {
            return OptionalDouble.empty();
        }
        JsonElement value = object.get(key);
        if (!isNumber(value)) {
            throw error(key, "is not a number");
        }
        return OptionalDouble.of(value.getAsDouble());
    }

    double doubleOr(String key, double fallback) {
        return optionalDouble(key).orElse(fallback);
    }

    Optional<Boolean> optionalBoolean(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonElement value = object.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw error(key, "is not true or false");
        }
        return Optional.of(value.getAsBoolean());
    }

    boolean booleanOr(String key, boolean fallback) {
        return optionalBoolean(key).orElse(fallback);
    }

    Optional<String> optionalString(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonElement value = object.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw error(key, "is not a string");
        }
        return Optional.of(value.getAsString());
    }

    String stringOr(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    /** An array of integers, or empty when absent. */
    Optional<int[]> optionalIntArray(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonArray array = array(key);
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = toInt(key, array.get(i));
        }
        return Optional.of(values);
    }

    /** One integer or an array of them (as {@code eos_token_id} may be), or empty when absent. */
    Optional<int[]> optionalIntOrIntArray(String key) {
        if (has(key) && !object.get(key).isJsonArray()) {
            return Optional.of(new int[] {requiredInt(key)});
        }
        return optionalIntArray(key);
    }

    /** An array of numbers, or empty when absent. */
    Optional<float[]> optionalFloatArray(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonArray array = array(key);
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            if (!isNumber(array.get(i))) {
                throw error(key, "holds a value that is not a number");
            }
            values[i] = array.get(i).getAsFloat();
        }
        return Optional.of(values);
    }

    /** The strings of array {@code key}, or empty when absent. */
    Optional<String[]> optionalStringArray(String key) {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonArray array = array(key);
        String[] values = new String[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement item = array.get(i);
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                throw error(key, "holds a value that is not a string");
            }
            values[i] = item.getAsString();
        }
        return Optional.of(values);
    }

    InvalidCheckpointException missing(String key) {
        return new InvalidCheckpointException(source + ": required field " + field(key) + " is missing");
    }

    private JsonArray array(String key) {
        JsonElement value = object.get(key);
        if (!value.isJsonArray()) {
            throw error(key, "is not an array");
        }
        return value.getAsJsonArray();
    }

    private int toInt(String key, JsonElement value) {
        BigDecimal number = integral(key, value);
        try {
            return number.intValueExact();
        } catch (ArithmeticException e) {
            throw error(key, "does not fit in 32 bits");
        }
    }

    private BigDecimal integral(String key, JsonElement value) {
        if (!isNumber(value)) {
            throw error(key, "is not an integer");
        }
        BigDecimal number = value.getAsBigDecimal();
        if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
            throw error(key, "is not an integer");
        }
        return number;
    }

    private static boolean isNumber(JsonElement value) {
        return value.isJsonPrimitive() && ((JsonPrimitive) value).isNumber();
    }
}
