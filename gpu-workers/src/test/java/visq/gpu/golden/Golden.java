package visq.gpu.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the golden fixtures written by {@code src/test/python/generate_goldens.py} from the test classpath
 * ({@code /golden/*.json}), and compares numbers with them.
 */
public final class Golden {

    private Golden() {}

    /** The fixture {@code name} as a JSON object (maps, lists, Double, String, Boolean, null). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden fixture " + name + " on the test classpath");
            }
            return (Map<String, Object>) StrictJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> objects(Object list) {
        return (List<Map<String, Object>>) list;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object list) {
        return (List<Object>) list;
    }

    public static double number(Object value) {
        return (Double) value;
    }

    /** A list of numbers; JSON null becomes NaN. */
    public static double[] doubles(Object list) {
        return list(list).stream().mapToDouble(v -> v == null ? Double.NaN : (Double) v).toArray();
    }

    public static double[][] matrix(Object list) {
        return list(list).stream().map(Golden::doubles).toArray(double[][]::new);
    }

    /** A (possibly nested) list of numbers flattened in row-major order, as float32. */
    public static float[] floats(Object value) {
        List<Double> out = new ArrayList<>();
        flatten(value, out);
        float[] result = new float[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i).floatValue();
        }
        return result;
    }

    private static void flatten(Object value, List<Double> out) {
        if (value instanceof List) {
            list(value).forEach(v -> flatten(v, out));
        } else {
            out.add((Double) value);
        }
    }

    /** |actual − expected| ≤ relative · |expected| (equal when both are NaN). */
    public static void assertRelative(double expected, double actual, double relative, String message) {
        if (Double.isNaN(expected)) {
            assertTrue(Double.isNaN(actual), message + ": expected NaN, got " + actual);
            return;
        }
        assertTrue(Math.abs(actual - expected) <= relative * Math.abs(expected),
                message + ": expected " + expected + ", got " + actual + " (relative tolerance " + relative + ")");
    }

    /**
     * |actual − expected| ≤ relative · max(|expected|, scale): relative error, with {@code scale} as the magnitude
     * below which a float32 difference of cancelling terms is judged against the scale of the whole quantity.
     */
    public static void assertClose(double expected, double actual, double relative, double scale, String message) {
        double bound = relative * Math.max(Math.abs(expected), scale);
        assertTrue(Math.abs(actual - expected) <= bound,
                message + ": expected " + expected + ", got " + actual + " (bound " + bound + ")");
    }

    /** Element-wise {@link #assertClose} with the scale set to the largest |expected|. */
    public static void assertAllClose(float[] expected, float[] actual, double relative, String message) {
        assertEquals(expected.length, actual.length, message + ": length");
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], relative, scale, message + " [" + i + "]");
        }
    }
}
