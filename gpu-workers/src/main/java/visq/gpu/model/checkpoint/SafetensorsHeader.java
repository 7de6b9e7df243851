package visq.gpu.model.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The parsed and validated JSON header of a safetensors file: the free-form {@code __metadata__} strings and one
 * {@link TensorHeader} per tensor. Validation follows the format's reference implementation: every tensor has a
 * known dtype, a shape of non-negative integers and {@code data_offsets [begin, end]} holding exactly
 * shape x dtype bytes; the tensors, ordered by offset, tile the data section from byte 0 to its end with no gap
 * and no overlap.
 */
public final class SafetensorsHeader {

    /** The reserved key of the free-form string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("0|[1-9][0-9]*");

    private final Map<String, String> metadata;
    private final Map<String, TensorHeader> tensors;

    private SafetensorsHeader(Map<String, String> metadata, Map<String, TensorHeader> tensors) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The {@code __metadata__} strings, in header order (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors by name, names in ascending order. */
    public Map<String, TensorHeader> tensors() {
        return tensors;
    }

    /**
     * Parses and validates {@code json}, the header of a file whose data section holds {@code dataBytes} bytes.
     *
     * @param source names the file in error messages
     * @throws IllegalArgumentException naming {@code source} and the offending tensor or field
     */
    public static SafetensorsHeader parse(String json, long dataBytes, String source) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("header of " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new IllegalArgumentException("header of " + source + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorHeader> tensors = new TreeMap<>();
        for (Map.Entry<String, JsonElement> entry : root.getAsJsonObject().entrySet()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                metadata.putAll(metadata(entry.getValue(), source));
            } else {
                tensors.put(entry.getKey(), tensor(entry.getKey(), entry.getValue(), source));
            }
        }
        checkTiling(new ArrayList<>(tensors.values()), dataBytes, source);
        return new SafetensorsHeader(metadata, tensors);
    }

    private static Map<String, String> metadata(JsonElement element, String source) {
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException(METADATA_KEY + " in " + source + " is not a JSON object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
            JsonElement value = entry.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s entry '%s' in %s is not a string: %s", METADATA_KEY, entry.getKey(), source, value));
            }
            metadata.put(entry.getKey(), value.getAsString());
        }
        return metadata;
    }

    private static TensorHeader tensor(String name, JsonElement element, String source) {
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' in " + source + " is not a JSON object: " + element);
        }
        JsonObject object = element.getAsJsonObject();
        JsonElement dtypeElement = required(object, "dtype", name, source);
        if (!dtypeElement.isJsonPrimitive() || !dtypeElement.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' in " + source + " has a dtype that is not a string: " + dtypeElement);
        }
        SafetensorsDtype dtype = SafetensorsDtype.ofHeaderName(dtypeElement.getAsString(), name, source);
        long[] shape = integers(required(object, "shape", name, source), "shape", name, source);
        long[] offsets = integers(required(object, "data_offsets", name, source), "data_offsets", name, source);
        if (offsets.length != 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s has %d data_offsets, expected [begin, end]", name, source, offsets.length));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s has data_offsets [%d, %d] that end before they begin",
                    name, source, begin, end));
        }
        TensorHeader header = new TensorHeader(name, dtype, shape, begin, end);
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(header.elementCount(), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s has shape %s too large to address", name, source, header.shapeText()), e);
        }
        if (expectedBytes != header.byteLength()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s: data_offsets [%d, %d] hold %d bytes but shape %s of %s needs %d",
                    name, source, begin, end, header.byteLength(), header.shapeText(), dtype, expectedBytes));
        }
        return header;
    }

    private static JsonElement required(JsonObject object, String key, String tensor, String source) {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            throw new IllegalArgumentException(
                    "tensor '" + tensor + "' in " + source + " has no '" + key + "'");
        }
        return value;
    }

    private static long[] integers(JsonElement element, String key, String tensor, String source) {
        if (!element.isJsonArray()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s has a %s that is not an array: %s", tensor, source, key, element));
        }
        JsonArray array = element.getAsJsonArray();
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement item = array.get(i);
            String text = item.isJsonPrimitive() && ((JsonPrimitive) item).isNumber() ? item.getAsString() : "";
            if (!NON_NEGATIVE_INTEGER.matcher(text).matches()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "tensor '%s' in %s has %s %s: entries must be non-negative integers",
                        tensor, source, key, array));
            }
            try {
                values[i] = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "tensor '%s' in %s has %s %s beyond 64 bits", tensor, source, key, array), e);
            }
        }
        return values;
    }

    private static void checkTiling(List<TensorHeader> tensors, long dataBytes, String source) {
        tensors.sort(Comparator.comparingLong(TensorHeader::begin).thenComparingLong(TensorHeader::end)
                .thenComparing(TensorHeader::name));
        long expectedBegin = 0;
        String previous = null;
        for (TensorHeader tensor : tensors) {
            if (tensor.begin() != expectedBegin) {
                String after = previous == null ? "the data section starts at 0"
                        : "the previous tensor '" + previous + "' ends at " + expectedBegin;
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "tensor '%s' in %s begins at byte %d but %s: tensors must be contiguous, without gaps or overlap",
                        tensor.name(), source, tensor.begin(), after));
            }
            expectedBegin = tensor.end();
            previous = tensor.name();
        }
        if (expectedBegin != dataBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensors in %s end at byte %d of the data section but it holds %d bytes",
                    source, expectedBegin, dataBytes));
        }
    }
}
