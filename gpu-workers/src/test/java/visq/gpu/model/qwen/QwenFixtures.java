package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import visq.gpu.model.checkpoint.CheckpointTensors;
import visq.gpu.model.checkpoint.SafetensorsFile;

/**
 * The committed reference fixtures of {@code tools/qwen-reference/make_fixtures.py}: tiny random Qwen2.5-VL and
 * Qwen2-VL checkpoints saved by transformers 5.18 and the values transformers computed on them
 * ({@code golden.safetensors}, {@code golden.json}). Every expected number in the Qwen tests comes from there.
 */
final class QwenFixtures {

    static final Path ROOT = Path.of("src/test/resources/qwen");

    private QwenFixtures() {}

    /** {@code qwen2_5_vl} or {@code qwen2_vl}. */
    static Path variant(String name) {
        return ROOT.resolve(name);
    }

    static Path checkpoint(String variant) {
        return variant(variant).resolve("checkpoint");
    }

    static SafetensorsFile golden(String variant) {
        return SafetensorsFile.open(variant(variant).resolve("golden.safetensors"));
    }

    /** Every tensor of a fixture checkpoint (all its shards), as float32 arrays in {@code manager}. */
    static Map<String, NDArray> checkpointTensors(NDManager manager, String variant) {
        Map<String, NDArray> tensors = new HashMap<>();
        try (CheckpointTensors checkpoint = CheckpointTensors.open(checkpoint(variant))) {
            for (String name : checkpoint.names()) {
                tensors.put(name, checkpoint.toArray(manager, name));
            }
        }
        return tensors;
    }

    /** The largest absolute difference between two equally long arrays. */
    static double maxAbsDifference(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("lengths differ: expected " + expected.length + ", got " + actual.length);
        }
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }
}
