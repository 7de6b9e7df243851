package visq.gpu.model.qwen;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * What config.json says about a Qwen2-VL / Qwen2.5-VL checkpoint, read from either layout: the published one
 * (decoder fields at the top level, {@code rope_scaling} with {@code mrope_section}) or the one transformers 5
 * writes (decoder fields in {@code text_config}, {@code rope_parameters}); {@code vision_config} is nested in both.
 *
 * <p>Fields the architecture needs and transformers defaults for are taken with transformers' defaults when
 * absent; the dimensions (vocabulary, widths, depths, heads) are required. Anything Visq does not implement is
 * refused with an {@link InvalidCheckpointException} naming the file and the field: another {@code model_type},
 * a rope type other than default/mrope, sliding-window attention, attention dropout, an activation other than
 * silu (decoder, 2.5 vision) or quick_gelu (2-VL vision), non-square patches, quantized weights.
 *
 * @param family the architecture, from {@code model_type}
 * @param text the decoder
 * @param vision the vision tower
 * @param specialTokenIds the special-token fields config.json sets, by field name ({@code image_token_id},
 *     {@code video_token_id}, {@code vision_start_token_id}, {@code vision_end_token_id})
 * @param eosTokenIds {@code eos_token_id} (one or several; empty when absent)
 * @param bosTokenId {@code bos_token_id}
 * @param padTokenId {@code pad_token_id}
 */
public record QwenCheckpointConfig(
        QwenFamily family,
        QwenTextConfig text,
        QwenVisionConfig vision,
        Map<String, Integer> specialTokenIds,
        int[] eosTokenIds,
        OptionalInt bosTokenId,
        OptionalInt padTokenId) {

    /** The special-token fields of config.json, in the order they are reported. */
    public static final List<String> SPECIAL_TOKEN_FIELDS =
            List.of("image_token_id", "video_token_id", "vision_start_token_id", "vision_end_token_id");

    private static final double DEFAULT_ROPE_THETA = 1_000_000.0;

    public QwenCheckpointConfig {
        specialTokenIds = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokenIds));
        eosTokenIds = eosTokenIds.clone();
    }

    @Override
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    /** Reads and validates config.json at {@code file}. */
    public static QwenCheckpointConfig read(Path file) {
        return of(QwenCheckpointJson.read(file));
    }

    /** Parses and validates {@code json}, the content of config.json ({@code source} names it in errors). */
    public static QwenCheckpointConfig parse(String json, String source) {
        return of(QwenCheckpointJson.parse(json, source));
    }

    private static QwenCheckpointConfig of(QwenCheckpointJson root) {
        String modelType = root.optionalString("model_type").orElseThrow(() -> root.missing("model_type"));
        QwenFamily family;
        try {
            family = QwenFamily.ofModelType(modelType);
        } catch (IllegalArgumentException e) {
            throw root.error("model_type", "is not supported: Visq reads qwen2_vl and qwen2_5_vl checkpoints");
        }
        if (root.has("quantization_config")) {
            throw root.error("quantization_config", "is not supported: Visq reads unquantized bf16/fp16/fp32 weights");
        }
        QwenCheckpointJson textJson = root.optionalObject("text_config").orElse(root);
        QwenTextConfig text = text(textJson, root);
        QwenCheckpointJson visionJson = root.optionalObject("vision_config")
                .orElseThrow(() -> root.missing("vision_config"));
        QwenVisionConfig vision = family == QwenFamily.QWEN2_5_VL
                ? visionQwen25(visionJson, text)
                : visionQwen2(visionJson, text);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String field : SPECIAL_TOKEN_FIELDS) {
            OptionalInt id = root.optionalInt(field);
            if (id.isEmpty()) {
                id = textJson.optionalInt(field);
            }
            if (id.isPresent()) {
                ids.put(field, id.getAsInt());
            }
        }
        int[] eos = textJson.optionalIntOrIntArray("eos_token_id")
                .or(() -> root.optionalIntOrIntArray("eos_token_id"))
                .orElse(new int[0]);
        OptionalInt bos = first(textJson.optionalInt("bos_token_id"), root.optionalInt("bos_token_id"));
        OptionalInt pad = first(textJson.optionalInt("pad_token_id"), root.optionalInt("pad_token_id"));
        return new QwenCheckpointConfig(family, text, vision, ids, eos, bos, pad);
    }

    private static OptionalInt first(OptionalInt preferred, OptionalInt fallback) {
        return preferred.isPresent() ? preferred : fallback;
    }

    private static QwenTextConfig text(QwenCheckpointJson text, QwenCheckpointJson root) {
        int vocab = text.requiredPositiveInt("vocab_size");
        int hidden = text.requiredPositiveInt("hidden_size");
        int intermediate = text.requiredPositiveInt("intermediate_size");
        int layers = text.requiredPositiveInt("num_hidden_layers");
        int heads = text.requiredPositiveInt("num_attention_heads");
        int keyValueHeads = text.positiveIntOr("num_key_value_heads", heads);
        if (hidden % heads != 0) {
            throw text.error("num_attention_heads", "does not divide " + text.field("hidden_size") + " = " + hidden);
        }
        if (heads % keyValueHeads != 0) {
            throw text.error("num_key_value_heads", "does not divide " + text.field("num_attention_heads")
                    + " = " + heads);
        }
        String act = text.stringOr("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw text.error("hidden_act", "is not supported: the Qwen2 decoder implements silu");
        }
        if (text.booleanOr("use_sliding_window", false)) {
            throw text.error("use_sliding_window", "is not supported: Visq implements full attention only");
        }
        Optional<String[]> layerTypes = text.optionalStringArray("layer_types");
        if (layerTypes.isPresent()) {
            for (String type : layerTypes.get()) {
                if (!type.equals("full_attention")) {
                    throw text.error("layer_types", "is not supported: every layer must be full_attention, not "
                            + type);
                }
            }
        }
        if (text.doubleOr("attention_dropout", 0.0) != 0.0) {
            throw text.error("attention_dropout", "is not supported: Visq implements attention without dropout");
        }
        QwenCheckpointJson rope = ropeObject(text, root);
        for (String key : List.of("rope_type", "type")) {
            Optional<String> type = rope.optionalString(key);
            if (type.isPresent() && !type.get().equals("default") && !type.get().equals("mrope")) {
                throw rope.error(key, "is not supported: Visq implements the default multimodal rope (mrope) only");
            }
        }
        int[] section = rope.optionalIntArray("mrope_section").orElseThrow(() -> rope.missing("mrope_section"));
        int headDim = hidden / heads;
        if (section.length != 3 || Arrays.stream(section).anyMatch(v -> v < 0)
                || Arrays.stream(section).sum() != headDim / 2) {
            throw rope.error("mrope_section", String.format(Locale.ROOT,
                    "must be three non-negative counts summing to head_dim / 2 = %d", headDim / 2));
        }
        double theta = rope.optionalDouble("rope_theta").orElse(
                text.optionalDouble("rope_theta").orElse(root.doubleOr("rope_theta", DEFAULT_ROPE_THETA)));
        if (!(theta > 0)) {
            throw rope.error("rope_theta", "must be positive");
        }
        double eps = text.doubleOr("rms_norm_eps", 1e-5);
        int maxPositions = text.positiveIntOr("max_position_embeddings", 32768);
        boolean tied = root.booleanOr("tie_word_embeddings", false) || text.booleanOr("tie_word_embeddings", false);
        return new QwenTextConfig(vocab, hidden, intermediate, layers, heads, keyValueHeads, eps, theta, section,
                maxPositions, tied);
    }

    /**
     * The rope settings, wherever the writer put them: {@code rope_scaling} (transformers 4, published) or
     * {@code rope_parameters} (transformers 5), in the decoder's fields first, then at the top level.
     */
    private static QwenCheckpointJson ropeObject(QwenCheckpointJson text, QwenCheckpointJson root) {
        for (QwenCheckpointJson holder : List.of(text, root)) {
            for (String key : List.of("rope_scaling", "rope_parameters")) {
                Optional<QwenCheckpointJson> rope = holder.optionalObject(key);
                if (rope.isPresent()) {
                    return rope.get();
                }
            }
        }
        throw new InvalidCheckpointException(root.source() + ": no " + text.field("rope_scaling") + " or "
                + text.field("rope_parameters") + " with the mrope_section of the multimodal rope");
    }

    private static QwenVisionConfig visionQwen25(QwenCheckpointJson vision, QwenTextConfig text) {
        int depth = vision.requiredPositiveInt("depth");
        int hidden = vision.requiredPositiveInt("hidden_size");
        int heads = vision.requiredPositiveInt("num_heads");
        int intermediate = vision.requiredPositiveInt("intermediate_size");
        int out = vision.requiredPositiveInt("out_hidden_size");
        if (out != text.hiddenSize()) {
            throw vision.error("out_hidden_size", "differs from the decoder's hidden_size = " + text.hiddenSize());
        }
        requireActivation(vision, "silu", "Qwen2.5-VL's vision MLP is implemented with silu");
        int[] fullBlocks = vision.optionalIntArray("fullatt_block_indexes").orElse(new int[] {7, 15, 23, 31});
        for (int block : fullBlocks) {
            if (block < 0 || block >= depth) {
                throw vision.error("fullatt_block_indexes", "names a block outside [0, depth = " + depth + ")");
            }
        }
        int window = vision.positiveIntOr("window_size", 112);
        return common(vision, depth, hidden, heads, intermediate, out, window, fullBlocks, "silu");
    }

    private static QwenVisionConfig visionQwen2(QwenCheckpointJson vision, QwenTextConfig text) {
        int depth = vision.requiredPositiveInt("depth");
        int embed = vision.requiredPositiveInt("embed_dim");
        int heads = vision.requiredPositiveInt("num_heads");
        double ratio = vision.doubleOr("mlp_ratio", 4.0);
        if (!(ratio > 0)) {
            throw vision.error("mlp_ratio", "must be positive");
        }
        int out = vision.requiredPositiveInt("hidden_size");
        if (out != text.hiddenSize()) {
            throw vision.error("hidden_size", "differs from the decoder's hidden_size = " + text.hiddenSize());
        }
        requireActivation(vision, "quick_gelu", "Qwen2-VL's vision MLP is implemented with quick_gelu");
        int[] everyBlock = new int[depth];
        for (int i = 0; i < depth; i++) {
            everyBlock[i] = i;
        }
        return common(vision, depth, embed, heads, (int) (embed * ratio), out, 0, everyBlock, "quick_gelu");
    }

    private static void requireActivation(QwenCheckpointJson vision, String expected, String why) {
        String act = vision.stringOr("hidden_act", expected);
        if (!act.equals(expected)) {
            throw vision.error("hidden_act", "is not supported: " + why);
        }
    }

    private static QwenVisionConfig common(QwenCheckpointJson vision, int depth, int hidden, int heads,
            int intermediate, int out, int window, int[] fullBlocks, String act) {
        String hiddenKey = vision.has("embed_dim") ? "embed_dim" : "hidden_size";
        if (hidden % heads != 0) {
            throw vision.error("num_heads", "does not divide " + vision.field(hiddenKey) + " = " + hidden);
        }
        if ((hidden / heads) % 4 != 0) {
            throw vision.error("num_heads", "gives a head width of " + hidden / heads
                    + ", not a multiple of 4 as the 2-D rotary embedding needs");
        }
        int patch = square(vision, "patch_size", 14);
        int temporal = square(vision, "temporal_patch_size", 2);
        int merge = vision.positiveIntOr("spatial_merge_size", 2);
        String channelsKey = vision.has("in_channels") ? "in_channels" : "in_chans";
        int channels = vision.positiveIntOr(channelsKey, 3);
        if (channels != 3) {
            throw vision.error(channelsKey, "is not supported: images have 3 channels");
        }
        return new QwenVisionConfig(depth, hidden, heads, intermediate, patch, temporal, merge, channels, out,
                window, fullBlocks, act);
    }

    private static int square(QwenCheckpointJson vision, String key, int fallback) {
        if (vision.isArray(key)) {
            throw vision.error(key, "is not supported: Visq implements square patches given as one integer");
        }
        return vision.positiveIntOr(key, fallback);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof QwenCheckpointConfig)) {
            return false;
        }
        QwenCheckpointConfig that = (QwenCheckpointConfig) other;
        return family == that.family && QwenCheckpointRecords.equal(text, that.text)
                && QwenCheckpointRecords.equal(vision, that.vision) && specialTokenIds.equals(that.specialTokenIds)
                && Arrays.equals(eosTokenIds, that.eosTokenIds) && bosTokenId.equals(that.bosTokenId)
                && padTokenId.equals(that.padTokenId);
    }

    @Override
    public int hashCode() {
        return family.hashCode() * 31 + specialTokenIds.hashCode();
    }

    @Override
    public String toString() {
        return "QwenCheckpointConfig[family=" + family + ", text=" + QwenCheckpointRecords.describe(text) + ", vision="
                + QwenCheckpointRecords.describe(vision) + ", specialTokenIds=" + specialTokenIds + ", eosTokenIds="
                + Arrays.toString(eosTokenIds) + ", bosTokenId=" + bosTokenId + ", padTokenId=" + padTokenId + "]";
    }
}
