package visq.gpu.model.qwen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import visq.gpu.golden.Golden;
import visq.gpu.golden.StrictJson;

/**
 * Reads the vision-tower reference files under {@code /qwen-vision/} on the test classpath, written by
 * {@code tools/qwen-reference/vision_index_golden.py} and {@code tools/qwen-reference/vision_tower_golden.py}.
 */
final class QwenVisionTowerGolden {

    private QwenVisionTowerGolden() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String name) {
        try (InputStream in = QwenVisionTowerGolden.class.getResourceAsStream("/qwen-vision/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no reference file /qwen-vision/" + name + " on the test classpath");
            }
            return (Map<String, Object>) StrictJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    static int[] ints(Object list) {
        return Golden.list(list).stream().mapToInt(v -> (int) Math.round((Double) v)).toArray();
    }

    static int integer(Object value) {
        return (int) Math.round((Double) value);
    }

    /** The {@code [t, h, w]} triples of a JSON list as grids. */
    static List<VisionGrid> grids(Object list) {
        List<VisionGrid> grids = new ArrayList<>();
        for (Object triple : Golden.list(list)) {
            int[] thw = ints(triple);
            grids.add(new VisionGrid(thw[0], thw[1], thw[2]));
        }
        return grids;
    }

    /** Largest |expected − actual|; fails on a length mismatch. */
    static double maxAbsDifference(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        }
        return max;
    }
}
