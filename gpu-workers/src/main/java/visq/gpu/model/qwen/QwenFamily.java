package visq.gpu.model.qwen;

import java.util.Locale;

/** The two supported architectures, named by the {@code model_type} their config.json carries. */
public enum QwenFamily {
    /** Qwen2-VL: LayerNorm + QuickGELU MLP in the vision tower, full attention in every vision block. */
    QWEN2_VL("qwen2_vl", "qwen2-vl"),
    /** Qwen2.5-VL: RMSNorm + SwiGLU in the vision tower, window attention except in the full-attention blocks. */
    QWEN2_5_VL("qwen2_5_vl", "qwen2.5-vl");

    private final String modelType;
    private final String kind;

    QwenFamily(String modelType, String kind) {
        this.modelType = modelType;
        this.kind = kind;
    }

    /** The {@code model_type} of config.json. */
    public String modelType() {
        return modelType;
    }

    /** The value of {@code visq.model.kind} that selects this family. */
    public String kind() {
        return kind;
    }

    /** The family whose config.json {@code model_type} is {@code modelType}. */
    public static QwenFamily ofModelType(String modelType) {
        for (QwenFamily family : values()) {
            if (family.modelType.equals(modelType)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown model_type '" + modelType + "': supported are qwen2_vl and qwen2_5_vl");
    }

    /** The family selected by {@code visq.model.kind}. */
    public static QwenFamily ofKind(String kind) {
        String wanted = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        for (QwenFamily family : values()) {
            if (family.kind.equals(wanted)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown Qwen model kind '" + kind + "': supported are qwen2-vl and qwen2.5-vl");
    }
}
