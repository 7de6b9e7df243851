package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The tensors a {@link QwenVisionTower} reads: their published names and shapes, and the checked fetch of a call. */
final class QwenVisionTensors {

    private final Function<String, NDArray> weights;
    private final Map<String, Shape> expectedTensors;

    QwenVisionTensors(QwenFamily family, QwenVisionConfig config, Function<String, NDArray> weights) {
        this.weights = weights;
        this.expectedTensors = expected(family, config);
    }

    /** See {@link QwenVisionTower#expectedTensors}. */
    static Map<String, Shape> expected(QwenFamily family, QwenVisionConfig config) {
        long d = config.hiddenSize();
        long inner = config.intermediateSize();
        long merged = d * config.spatialMergeSize() * config.spatialMergeSize();
        boolean layerNorm = family == QwenFamily.QWEN2_VL;
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("visual.patch_embed.proj.weight", new Shape(d, config.inChannels(), config.temporalPatchSize(),
                config.patchSize(), config.patchSize()));
        for (int b = 0; b < config.depth(); b++) {
            String p = "visual.blocks." + b + ".";
            putNorm(shapes, p + "norm1", d, layerNorm);
            putNorm(shapes, p + "norm2", d, layerNorm);
            putLinear(shapes, p + "attn.qkv", 3 * d, d);
            putLinear(shapes, p + "attn.proj", d, d);
            if (family == QwenFamily.QWEN2_VL) {
                putLinear(shapes, p + "mlp.fc1", inner, d);
                putLinear(shapes, p + "mlp.fc2", d, inner);
            } else {
                putLinear(shapes, p + "mlp.gate_proj", inner, d);
                putLinear(shapes, p + "mlp.up_proj", inner, d);
                putLinear(shapes, p + "mlp.down_proj", d, inner);
            }
        }
        putNorm(shapes, "visual.merger.ln_q", d, layerNorm);
        putLinear(shapes, "visual.merger.mlp.0", merged, merged);
        putLinear(shapes, "visual.merger.mlp.2", config.outHiddenSize(), merged);
        return Collections.unmodifiableMap(shapes);
    }

    /** Every tensor the tower reads, checked for presence, dtype, shape and device. */
    Map<String, NDArray> fetch(NDManager scope) {
        Map<String, NDArray> fetched = new HashMap<>();
        for (Map.Entry<String, Shape> expected : expectedTensors.entrySet()) {
            String name = expected.getKey();
            NDArray array = weights.apply(name);
            if (array == null) {
                throw new IllegalArgumentException("vision tensor " + name + " is missing (expected shape "
                        + expected.getValue() + ")");
            }
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(
                        "vision tensor " + name + " is " + array.getDataType() + ", the tower computes in float32");
            }
            if (!array.getShape().equals(expected.getValue())) {
                throw new IllegalArgumentException("vision tensor " + name + " has shape " + array.getShape()
                        + ", the config needs " + expected.getValue());
            }
            if (!array.getDevice().equals(scope.getDevice())) {
                throw new IllegalArgumentException("vision tensor " + name + " lives on " + array.getDevice()
                        + ", the call's scope on " + scope.getDevice());
            }
            fetched.put(name, array);
        }
        return fetched;
    }

    private static void putNorm(Map<String, Shape> shapes, String prefix, long width, boolean withBias) {
        shapes.put(prefix + ".weight", new Shape(width));
        if (withBias) {
            shapes.put(prefix + ".bias", new Shape(width));
        }
    }

    private static void putLinear(Map<String, Shape> shapes, String prefix, long out, long in) {
        shapes.put(prefix + ".weight", new Shape(out, in));
        shapes.put(prefix + ".bias", new Shape(out));
    }
}
