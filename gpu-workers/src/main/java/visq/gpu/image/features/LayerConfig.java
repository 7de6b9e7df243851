package visq.gpu.image.features;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The {@code config} object of one Keras layer, read-only, with typed accessors whose errors name the layer and the
 * key ({@link IllegalArgumentException}).
 */
public final class LayerConfig {

    private final String layer;
    private final JsonObject config;

    LayerConfig(String layer, JsonObject config) {
        this.layer = layer;
        this.config = config.deepCopy();
    }

    /** Whether the key is present and not JSON null. */
    public boolean has(String key) {
        return config.has(key) && !config.get(key).isJsonNull();
    }

    public String string(String key) {
        JsonPrimitive value = primitive(key);
        if (!value.isString()) {
            throw invalid(key, "a string", value);
        }
        return value.getAsString();
    }

    /** The string at {@code key}, or {@code fallback} when absent or null. */
    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonPrimitive value = primitive(key);
        if (!value.isBoolean()) {
            throw invalid(key, "a boolean", value);
        }
        return value.getAsBoolean();
    }

    public double number(String key) {
        return number(key, primitive(key));
    }

    /** The number at {@code key}, or {@code fallback} when absent or null. */
    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    public int integer(String key) {
        return integer(key, primitive(key));
    }

    /**
     * A pair of integers written as {@code [a, b]} or as one integer meaning {@code [n, n]} (Keras accepts both for
     * kernel sizes, strides and dilation rates).
     */
    public int[] pair(String key) {
        JsonElement value = required(key);
        if (value.isJsonPrimitive()) {
            int n = integer(key, value.getAsJsonPrimitive());
            return new int[] {n, n};
        }
        JsonArray array = array(key, value);
        if (array.size() != 2) {
            throw invalid(key, "two integers", value);
        }
        return new int[] {integer(key, array.get(0)), integer(key, array.get(1))};
    }

    /** The pair at {@code key}, or {@code fallback} when absent or null. */
    public int[] pair(String key, int[] fallback) {
        return has(key) ? pair(key) : fallback.clone();
    }

    /** {@code [[top, bottom], [left, right]]} for ZeroPadding2D: one integer, two integers or two pairs. */
    public int[][] paddingPairs(String key) {
        JsonElement value = required(key);
        if (value.isJsonPrimitive()) {
            int n = integer(key, value.getAsJsonPrimitive());
            return new int[][] {{n, n}, {n, n}};
        }
        JsonArray array = array(key, value);
        if (array.size() != 2) {
            throw invalid(key, "an integer, two integers or two pairs", value);
        }
        int[][] pairs = new int[2][];
        for (int axis = 0; axis < 2; axis++) {
            JsonElement item = array.get(axis);
            if (item.isJsonPrimitive()) {
                int n = integer(key, item);
                pairs[axis] = new int[] {n, n};
            } else {
                JsonArray pair = array(key, item);
                if (pair.size() != 2) {
                    throw invalid(key, "an integer, two integers or two pairs", value);
                }
                pairs[axis] = new int[] {integer(key, pair.get(0)), integer(key, pair.get(1))};
            }
        }
        for (int[] pair : pairs) {
            if (pair[0] < 0 || pair[1] < 0) {
                throw invalid(key, "non-negative padding", value);
            }
        }
        return pairs;
    }

    /** A list of integers where JSON null stands for an unknown dimension (-1), e.g. {@code batch_input_shape}. */
    public int[] dimensions(String key) {
        JsonArray array = array(key, required(key));
        int[] dims = new int[array.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = array.get(i).isJsonNull() ? -1 : integer(key, array.get(i));
        }
        return dims;
    }

    private double number(String key, JsonPrimitive value) {
        if (!value.isNumber()) {
            throw invalid(key, "a number", value);
        }
        double number = value.getAsDouble();
        if (!Double.isFinite(number)) {
            throw invalid(key, "a finite number", value);
        }
        return number;
    }

    private int integer(String key, JsonElement value) {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw invalid(key, "an integer", value);
        }
        double number = value.getAsDouble();
        if (number != Math.rint(number) || Math.abs(number) > Integer.MAX_VALUE) {
            throw invalid(key, "an integer", value);
        }
        return (int) number;
    }

    private JsonElement required(String key) {
        if (!has(key)) {
            throw new IllegalArgumentException("layer " + layer + ": config has no " + key);
        }
        return config.get(key);
    }

    private JsonPrimitive primitive(String key) {
        JsonElement value = required(key);
        if (!value.isJsonPrimitive()) {
            throw invalid(key, "a single value", value);
        }
        return value.getAsJsonPrimitive();
    }

    private JsonArray array(String key, JsonElement value) {
        if (!value.isJsonArray()) {
            throw invalid(key, "a list", value);
        }
        return value.getAsJsonArray();
    }

    private IllegalArgumentException invalid(String key, String expected, JsonElement value) {
        return new IllegalArgumentException("layer " + layer + ": config " + key + " must be " + expected + ", got "
                + value);
    }

    @Override
    public String toString() {
        return "LayerConfig[" + layer + "]";
    }
}
