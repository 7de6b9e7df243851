package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The decoder's frozen weights by role, taken from a lookup of published tensor names (views in a caller's scope):
 * linear weights transposed to {@code [in, out]} for {@code x W^T}, the head from {@code lm_head.weight} or, when
 * the embedding is tied, from {@code model.embed_tokens.weight}.
 */
final class QwenDecoderWeights {

    /** One decoder layer's weights. */
    record Layer(NDArray inputNorm, NDArray q, NDArray qBias, NDArray k, NDArray kBias, NDArray v, NDArray vBias,
            NDArray o, NDArray postAttentionNorm, NDArray gate, NDArray up, NDArray down) {}

    private final NDArray embedding;
    private final List<Layer> layers;
    private final NDArray finalNorm;
    private final NDArray headTransposed;

    QwenDecoderWeights(QwenTextConfig config, Function<String, NDArray> tensors) {
        this.embedding = tensors.apply("model.embed_tokens.weight");
        List<Layer> built = new ArrayList<>(config.layers());
        for (int l = 0; l < config.layers(); l++) {
            String p = "model.layers." + l + ".";
            built.add(new Layer(
                    tensors.apply(p + "input_layernorm.weight"),
                    tensors.apply(p + "self_attn.q_proj.weight").transpose(),
                    tensors.apply(p + "self_attn.q_proj.bias"),
                    tensors.apply(p + "self_attn.k_proj.weight").transpose(),
                    tensors.apply(p + "self_attn.k_proj.bias"),
                    tensors.apply(p + "self_attn.v_proj.weight").transpose(),
                    tensors.apply(p + "self_attn.v_proj.bias"),
                    tensors.apply(p + "self_attn.o_proj.weight").transpose(),
                    tensors.apply(p + "post_attention_layernorm.weight"),
                    tensors.apply(p + "mlp.gate_proj.weight").transpose(),
                    tensors.apply(p + "mlp.up_proj.weight").transpose(),
                    tensors.apply(p + "mlp.down_proj.weight").transpose()));
        }
        this.layers = List.copyOf(built);
        this.finalNorm = tensors.apply("model.norm.weight");
        this.headTransposed = config.tieWordEmbeddings()
                ? embedding.transpose()
                : tensors.apply("lm_head.weight").transpose();
    }

    NDArray embedding() {
        return embedding;
    }

    Layer layer(int index) {
        return layers.get(index);
    }

    NDArray finalNorm() {
        return finalNorm;
    }

    NDArray headTransposed() {
        return headTransposed;
    }
}
