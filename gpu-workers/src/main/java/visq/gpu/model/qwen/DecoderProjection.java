package visq.gpu.model.qwen;

/** A linear map of a decoder layer that may carry a LoRA adapter, with its published tensor name and width. */
public enum DecoderProjection {
    Q("self_attn.q_proj"),
    K("self_attn.k_proj"),
    V("self_attn.v_proj"),
    O("self_attn.o_proj"),
    GATE("mlp.gate_proj"),
    UP("mlp.up_proj"),
    DOWN("mlp.down_proj");

    private final String path;

    DecoderProjection(String path) {
        this.path = path;
    }

    /** The module name LoRA settings use ({@code q_proj}, ...). */
    public String moduleName() {
        return path.substring(path.indexOf('.') + 1);
    }

    /** The module path inside layer {@code layer}: {@code model.layers.N.self_attn.q_proj}. */
    public String modulePath(int layer) {
        return "model.layers." + layer + "." + path;
    }

    /** Input width of this projection. */
    public int inputWidth(QwenTextConfig c) {
        switch (this) {
            case O:
                return c.heads() * c.headDim();
            case DOWN:
                return c.intermediateSize();
            default:
                return c.hiddenSize();
        }
    }

    /** Output width of this projection. */
    public int outputWidth(QwenTextConfig c) {
        switch (this) {
            case Q:
                return c.heads() * c.headDim();
            case K:
            case V:
                return c.keyValueHeads() * c.headDim();
            case GATE:
            case UP:
                return c.intermediateSize();
            default:
                return c.hiddenSize();
        }
    }
}
