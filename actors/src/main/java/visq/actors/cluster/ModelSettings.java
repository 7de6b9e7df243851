package visq.actors.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import visq.gpu.image.ImageStatistics;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.qwen.LoraSettings;
import visq.gpu.model.qwen.QwenFamily;
import visq.gpu.model.qwen.QwenModelConfig;

/**
 * The policy every node builds, read once from {@code visq.model}: {@code kind} picks the family ({@code compact},
 * {@code qwen2-vl}, {@code qwen2.5-vl}); a Qwen kind reads and checks its checkpoint directory here, before any
 * actor starts.
 */
public final class ModelSettings {
    /** The only dtype this build runs: bf16 checkpoints are widened to float32 while reading. */
    public static final String FLOAT32 = "float32";

    private ModelSettings() {}

    /**
     * The model config of {@code visq.model}.
     *
     * @throws IllegalArgumentException for an unknown {@code kind}, a Qwen kind without a checkpoint, an unsupported
     *     dtype or a bad checkpoint, naming the problem
     */
    public static PolicyModelConfig fromConfig(Config config) {
        Config c = config.getConfig("visq.model");
        String kind = c.getString("kind");
        if (kind.equals(CompactModelConfig.KIND)) {
            return compact(c);
        }
        for (QwenFamily family : QwenFamily.values()) {
            if (family.kind().equals(kind)) {
                return qwen(c, kind);
            }
        }
        throw new IllegalArgumentException("visq.model.kind '" + kind + "' is unknown; use compact, "
                + QwenFamily.QWEN2_VL.kind() + " or " + QwenFamily.QWEN2_5_VL.kind());
    }

    private static CompactModelConfig compact(Config c) {
        CompactModelConfig config = new CompactModelConfig(CompactModelConfig.COMPACT_MODEL_ID, c.getInt("view-size"),
                c.getInt("patch-size"), c.getInt("d-model"), c.getInt("layers"), c.getInt("heads"), c.getInt("ff-dim"),
                c.getInt("max-sequence"), c.getLong("init-seed"),
                c.getBoolean("image-statistics") ? ImageStatistics.COUNT : 0);
        String features = c.hasPath("image-features") ? c.getString("image-features")
                : CompactModelConfig.NO_IMAGE_FEATURES;
        CompactModelConfig withFeatures = features.equals(CompactModelConfig.NO_IMAGE_FEATURES)
                ? config
                : config.withImageFeatures(features, config.imageStatistics());
        String prior = c.hasPath("quality-prior") ? c.getString("quality-prior") : CompactModelConfig.NO_QUALITY_PRIOR;
        CompactModelConfig withPrior;
        try {
            withPrior = withFeatures.withQualityPrior(prior);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("visq.model.quality-prior = " + prior + ": " + e.getMessage(), e);
        }
        String degradation = c.hasPath("degradation-prior") ? c.getString("degradation-prior")
                : CompactModelConfig.NO_DEGRADATION_PRIOR;
        try {
            return withPrior.withDegradationPrior(degradation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("visq.model.degradation-prior = " + degradation + ": "
                    + e.getMessage(), e);
        }
    }

    private static QwenModelConfig qwen(Config c, String kind) {
        String checkpoint = c.getString("checkpoint");
        if (checkpoint.isBlank()) {
            throw new IllegalArgumentException("visq.model.kind = " + kind
                    + " needs visq.model.checkpoint: a Hugging Face checkpoint directory (config.json, *.safetensors,"
                    + " tokenizer.json, preprocessor_config.json)");
        }
        String dtype = c.getString("dtype");
        if (!dtype.equals(FLOAT32)) {
            throw new IllegalArgumentException("visq.model.dtype '" + dtype + "' is not supported: this build runs "
                    + "Qwen in float32 (bf16 and fp16 checkpoints are widened while reading; DJL 0.32's PyTorch engine "
                    + "aborts the JVM on bfloat16 arrays)");
        }
        Config l = c.getConfig("lora");
        int maxSequence = c.getInt("pretrained-max-sequence");
        String adapter = c.getString("adapter");
        QwenModelConfig model = adapter.isBlank()
                ? QwenModelConfig.forCheckpoint(Path.of(checkpoint), new LoraSettings(l.getInt("rank"),
                        l.getDouble("alpha"), l.getDouble("dropout"), l.getStringList("targets"), l.getLong("init-seed")),
                        maxSequence)
                : QwenModelConfig.withAdapter(Path.of(checkpoint), Path.of(adapter), l.getLong("init-seed"), maxSequence);
        return model.requireKind(kind);
    }
}
