package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.List;
import visq.gpu.generation.KvCache;
import visq.gpu.ndarray.ScalarArrays;

/**
 * The Qwen2 language decoder as transformers implements it: per layer RMSNorm, grouped-query attention with q/k/v
 * biases and the multimodal rotary embedding, a residual add, RMSNorm, a SwiGLU MLP and a residual add; then the
 * final RMSNorm and the head. LoRA adapters add {@code scale * B(A(dropout(x)))} to the projections that carry one.
 * Pure: it owns no arrays; everything it creates is attached to the scope of the embeddings it is given.
 */
final class QwenDecoder {

    private static final float MASKED = -1e9f;

    private final QwenTextConfig config;

    QwenDecoder(QwenTextConfig config) {
        this.config = config;
    }

    /** The LoRA side of one forward pass: the adapter tensors (or copies) and the dropout used now. */
    record Lora(LoraAdapters layout, List<NDArray> arrays, double dropout) {}

    /**
     * The final-normed hidden states {@code [rows, length, hidden]} of {@code embeds} ({@code [rows, length,
     * hidden]}) at rotary angles {@code cosSin} ({@code [rows, 1, length, headDim]} each); appends keys and values to
     * {@code cache} when given (the new positions follow the cached ones), else attends within {@code embeds}.
     *
     * @param lora the adapters, or null for the base model
     */
    NDArray forward(QwenDecoderWeights w, Lora lora, NDArray embeds, NDArray[] cosSin, KvCache cache) {
        NDManager scope = embeds.getManager();
        long rows = embeds.getShape().get(0);
        long length = embeds.getShape().get(1);
        long offset = cache == null ? 0 : cache.length();
        int heads = config.heads();
        int kvHeads = config.keyValueHeads();
        int headDim = config.headDim();
        NDArray mask = length > 1 ? causalMask(scope, length, offset) : null;
        NDArray scale = ScalarArrays.of(scope, 1.0 / Math.sqrt(headDim));
        NDArray eps = ScalarArrays.of(scope, config.rmsNormEps());
        NDArray h = embeds;
        for (int l = 0; l < config.layers(); l++) {
            QwenDecoderWeights.Layer lw = w.layer(l);
            NDArray x = rmsNorm(h, lw.inputNorm(), eps);
            NDArray q = project(x, lw.q(), lw.qBias(), adapter(lora, l, DecoderProjection.Q), lora, scope);
            NDArray k = project(x, lw.k(), lw.kBias(), adapter(lora, l, DecoderProjection.K), lora, scope);
            NDArray v = project(x, lw.v(), lw.vBias(), adapter(lora, l, DecoderProjection.V), lora, scope);
            q = rotate(splitHeads(q, rows, length, heads, headDim), cosSin);
            k = rotate(splitHeads(k, rows, length, kvHeads, headDim), cosSin);
            v = splitHeads(v, rows, length, kvHeads, headDim);
            if (cache != null) {
                NDArray[] full = cache.append(l, k, v);
                k = full[0];
                v = full[1];
            }
            k = repeatKeyValueHeads(k, heads / kvHeads);
            v = repeatKeyValueHeads(v, heads / kvHeads);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray attended = scores.softmax(3).matMul(v).transpose(0, 2, 1, 3).reshape(rows, length,
                    (long) heads * headDim);
            h = h.add(project(attended, lw.o(), null, adapter(lora, l, DecoderProjection.O), lora, scope));
            NDArray y = rmsNorm(h, lw.postAttentionNorm(), eps);
            NDArray gate = project(y, lw.gate(), null, adapter(lora, l, DecoderProjection.GATE), lora, scope);
            NDArray up = project(y, lw.up(), null, adapter(lora, l, DecoderProjection.UP), lora, scope);
            NDArray activated = gate.mul(Activation.sigmoid(gate)).mul(up);
            h = h.add(project(activated, lw.down(), null, adapter(lora, l, DecoderProjection.DOWN), lora, scope));
        }
        return rmsNorm(h, w.finalNorm(), eps);
    }

    /** {@code [rows, length, vocabulary]} logits of final-normed hidden states. */
    NDArray logits(QwenDecoderWeights w, NDArray normed) {
        return normed.matMul(w.headTransposed());
    }

    private static LoraAdapters.Adapter adapter(Lora lora, int layer, DecoderProjection projection) {
        return lora == null ? null : lora.layout().adapter(lora.arrays(), layer, projection);
    }

    /** {@code x W^T (+ b)} plus the adapter's {@code scale * (dropout(x) A^T) B^T}. */
    private static NDArray project(NDArray x, NDArray weightTransposed, NDArray bias, LoraAdapters.Adapter adapter,
            Lora lora, NDManager scope) {
        NDArray out = x.matMul(weightTransposed);
        if (bias != null) {
            out = out.add(bias);
        }
        if (adapter == null) {
            return out;
        }
        NDArray input = x;
        if (lora.dropout() > 0) {
            NDArray keep = scope.randomUniform(0f, 1f, x.getShape()).gte(ScalarArrays.of(scope, lora.dropout()))
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            input = x.mul(keep).mul(ScalarArrays.of(scope, 1.0 / (1.0 - lora.dropout())));
        }
        NDArray low = input.matMul(adapter.a().transpose()).matMul(adapter.b().transpose());
        return out.add(low.mul(ScalarArrays.of(scope, lora.layout().settings().scale())));
    }

    /** {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis, in float32. */
    private static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
        NDArray variance = x.mul(x).mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }

    private static NDArray splitHeads(NDArray x, long rows, long length, int heads, int headDim) {
        return x.reshape(rows, length, heads, headDim).transpose(0, 2, 1, 3);
    }

    /** {@code x cos + rotate_half(x) sin}, rotate_half(x) = [-x2, x1] for the halves x1, x2 of each head. */
    private static NDArray rotate(NDArray x, NDArray[] cosSin) {
        long half = x.getShape().get(3) / 2;
        NDList halves = x.split(new long[] {half}, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
        return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
    }

    /** {@code [rows, kvHeads, length, d]} to {@code [rows, kvHeads * groups, length, d]}, head h reading kv head
     * h / groups. */
    private static NDArray repeatKeyValueHeads(NDArray x, int groups) {
        if (groups == 1) {
            return x;
        }
        Shape s = x.getShape();
        return x.expandDims(2)
                .broadcast(new Shape(s.get(0), s.get(1), groups, s.get(2), s.get(3)))
                .reshape(s.get(0), s.get(1) * groups, s.get(2), s.get(3));
    }

    /** {@code [length, offset + length]}: 0 where query i (at offset + i) may see key j, a large negative elsewhere. */
    private static NDArray causalMask(NDManager scope, long length, long offset) {
        int rows = Math.toIntExact(length);
        int columns = Math.toIntExact(offset + length);
        float[] mask = new float[rows * columns];
        for (int i = 0; i < rows; i++) {
            for (int j = (int) offset + i + 1; j < columns; j++) {
                mask[i * columns + j] = MASKED;
            }
        }
        return scope.create(mask, new Shape(rows, columns));
    }
}
