package visq.gpu.model.qwen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import visq.gpu.model.checkpoint.CheckpointTensors;
import visq.gpu.model.checkpoint.InvalidCheckpointException;
import visq.gpu.model.checkpoint.TensorHeader;

/**
 * The tensors a Qwen2-VL / Qwen2.5-VL checkpoint must hold, by their published names, with the shapes the
 * configuration implies: the decoder ({@code model.*}, {@code lm_head.weight} unless the head is tied to the
 * embedding) and the vision tower ({@code visual.*}: the patch embedding Conv3d without bias, per block two norms
 * (LayerNorm with bias in 2-VL, RMSNorm in 2.5), fused qkv and output projections with bias, the MLP (2-VL:
 * {@code fc1}/{@code fc2}; 2.5: {@code gate_proj}/{@code up_proj}/{@code down_proj}, all with bias), and the 2x2
 * patch merger {@code ln_q} + {@code mlp.0}/{@code mlp.2}).
 */
public final class QwenTensorLayout {

    private final QwenFamily family;
    private final Map<String, long[]> shapes;

    private QwenTensorLayout(QwenFamily family, Map<String, long[]> shapes) {
        this.family = family;
        this.shapes = Collections.unmodifiableMap(shapes);
    }

    /** The layout of {@code config}. */
    public static QwenTensorLayout of(QwenCheckpointConfig config) {
        return of(config.family(), config.text(), config.vision());
    }

    /** The layout of a {@code family} model with decoder {@code text} and vision tower {@code vision}. */
    public static QwenTensorLayout of(QwenFamily family, QwenTextConfig text, QwenVisionConfig vision) {
        Map<String, long[]> shapes = new TreeMap<>();
        decoder(shapes, text);
        visual(shapes, family, vision);
        return new QwenTensorLayout(family, shapes);
    }

    private static void decoder(Map<String, long[]> shapes, QwenTextConfig text) {
        long hidden = text.hiddenSize();
        long keyValue = (long) text.keyValueHeads() * text.headDim();
        long query = (long) text.heads() * text.headDim();
        long mlp = text.intermediateSize();
        shapes.put("model.embed_tokens.weight", shape(text.vocabSize(), hidden));
        for (int layer = 0; layer < text.layers(); layer++) {
            String prefix = "model.layers." + layer + ".";
            shapes.put(prefix + "input_layernorm.weight", shape(hidden));
            shapes.put(prefix + "post_attention_layernorm.weight", shape(hidden));
            shapes.put(prefix + "self_attn.q_proj.weight", shape(query, hidden));
            shapes.put(prefix + "self_attn.q_proj.bias", shape(query));
            shapes.put(prefix + "self_attn.k_proj.weight", shape(keyValue, hidden));
            shapes.put(prefix + "self_attn.k_proj.bias", shape(keyValue));
            shapes.put(prefix + "self_attn.v_proj.weight", shape(keyValue, hidden));
            shapes.put(prefix + "self_attn.v_proj.bias", shape(keyValue));
            shapes.put(prefix + "self_attn.o_proj.weight", shape(hidden, query));
            shapes.put(prefix + "mlp.gate_proj.weight", shape(mlp, hidden));
            shapes.put(prefix + "mlp.up_proj.weight", shape(mlp, hidden));
            shapes.put(prefix + "mlp.down_proj.weight", shape(hidden, mlp));
        }
        shapes.put("model.norm.weight", shape(hidden));
        if (!text.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", shape(text.vocabSize(), hidden));
        }
    }

    private static void visual(Map<String, long[]> shapes, QwenFamily family, QwenVisionConfig vision) {
        long hidden = vision.hiddenSize();
        long mlp = vision.intermediateSize();
        boolean layerNorm = family == QwenFamily.QWEN2_VL;
        shapes.put("visual.patch_embed.proj.weight", shape(hidden, vision.inChannels(), vision.temporalPatchSize(),
                vision.patchSize(), vision.patchSize()));
        for (int block = 0; block < vision.depth(); block++) {
            String prefix = "visual.blocks." + block + ".";
            norm(shapes, prefix + "norm1", hidden, layerNorm);
            norm(shapes, prefix + "norm2", hidden, layerNorm);
            linear(shapes, prefix + "attn.qkv", 3 * hidden, hidden);
            linear(shapes, prefix + "attn.proj", hidden, hidden);
            if (layerNorm) {
                linear(shapes, prefix + "mlp.fc1", mlp, hidden);
                linear(shapes, prefix + "mlp.fc2", hidden, mlp);
            } else {
                linear(shapes, prefix + "mlp.gate_proj", mlp, hidden);
                linear(shapes, prefix + "mlp.up_proj", mlp, hidden);
                linear(shapes, prefix + "mlp.down_proj", hidden, mlp);
            }
        }
        long merged = hidden * vision.spatialMergeSize() * vision.spatialMergeSize();
        norm(shapes, "visual.merger.ln_q", hidden, layerNorm);
        linear(shapes, "visual.merger.mlp.0", merged, merged);
        linear(shapes, "visual.merger.mlp.2", vision.outHiddenSize(), merged);
    }

    private static void norm(Map<String, long[]> shapes, String name, long width, boolean withBias) {
        shapes.put(name + ".weight", shape(width));
        if (withBias) {
            shapes.put(name + ".bias", shape(width));
        }
    }

    private static void linear(Map<String, long[]> shapes, String name, long out, long in) {
        shapes.put(name + ".weight", shape(out, in));
        shapes.put(name + ".bias", shape(out));
    }

    private static long[] shape(long... dimensions) {
        return dimensions;
    }

    /** The architecture this layout is for. */
    public QwenFamily family() {
        return family;
    }

    /** Names of the expected tensors, ascending. */
    public List<String> names() {
        return List.copyOf(shapes.keySet());
    }

    /** Whether {@code name} is an expected tensor. */
    public boolean contains(String name) {
        return shapes.containsKey(name);
    }

    /** The expected shape of {@code name}. */
    public long[] shape(String name) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("a " + family.modelType() + " checkpoint has no tensor '" + name + "'");
        }
        return shape.clone();
    }

    /** Number of expected tensors. */
    public int size() {
        return shapes.size();
    }

    /** Number of values over all expected tensors. */
    public long parameterCount() {
        long count = 0;
        for (long[] shape : shapes.values()) {
            long product = 1;
            for (long dimension : shape) {
                product *= dimension;
            }
            count += product;
        }
        return count;
    }

    /**
     * Checks that {@code tensors} holds exactly the expected tensors, with their shapes and a floating dtype.
     *
     * @throws InvalidCheckpointException listing, in one message, every missing, extra, mis-shaped and
     *     non-floating tensor
     */
    public void validate(CheckpointTensors tensors) {
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (Map.Entry<String, long[]> expected : shapes.entrySet()) {
            String name = expected.getKey();
            if (!tensors.contains(name)) {
                missing.add(name + " " + Arrays.toString(expected.getValue()));
                continue;
            }
            TensorHeader header = tensors.header(name);
            if (!Arrays.equals(header.shape(), expected.getValue())) {
                misShaped.add(name + " is " + header.shapeText() + ", expected " + Arrays.toString(expected.getValue()));
            } else if (!header.dtype().isFloating()) {
                misShaped.add(name + " is " + header.dtype() + ", expected a floating dtype (F32, F16 or BF16)");
            }
        }
        for (String name : tensors.names()) {
            if (!shapes.containsKey(name)) {
                extra.add(name + " " + tensors.header(name).shapeText());
            }
        }
        if (missing.isEmpty() && misShaped.isEmpty() && extra.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("checkpoint ").append(tensors.directory())
                .append(" does not match its config.json (").append(family.modelType()).append("):");
        section(message, "missing", missing);
        section(message, "mis-shaped", misShaped);
        section(message, "extra", extra);
        throw new InvalidCheckpointException(message.toString());
    }

    private static void section(StringBuilder message, String kind, List<String> names) {
        if (!names.isEmpty()) {
            message.append(' ').append(names.size()).append(' ').append(kind).append(": ")
                    .append(String.join(", ", names)).append(';');
        }
    }
}
