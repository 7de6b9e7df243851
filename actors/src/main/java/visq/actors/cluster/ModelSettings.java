package visq.actors.cluster;

import com.typesafe.config.Config;
import visq.gpu.image.ImageStatistics;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.PolicyModelConfig;

/** The policy every node builds, read once from {@code visq.model}: {@code kind} picks the family. */
public final class ModelSettings {
    private ModelSettings() {}

    /**
     * The model config of {@code visq.model}.
     *
     * @throws IllegalArgumentException for an unknown {@code kind}, naming it and the known ones
     */
    public static PolicyModelConfig fromConfig(Config config) {
        Config c = config.getConfig("visq.model");
        String kind = c.getString("kind");
        if (kind.equals(CompactModelConfig.KIND)) {
            return compact(c);
        }
        throw new IllegalArgumentException("visq.model.kind '" + kind + "' is unknown; use 'compact'");
    }

    private static CompactModelConfig compact(Config c) {
        CompactModelConfig config = new CompactModelConfig(CompactModelConfig.COMPACT_MODEL_ID, c.getInt("view-size"),
                c.getInt("patch-size"), c.getInt("d-model"), c.getInt("layers"), c.getInt("heads"), c.getInt("ff-dim"),
                c.getInt("max-sequence"), c.getLong("init-seed"),
                c.getBoolean("image-statistics") ? ImageStatistics.COUNT : 0);
        String features = c.hasPath("image-features") ? c.getString("image-features")
                : CompactModelConfig.NO_IMAGE_FEATURES;
        return features.equals(CompactModelConfig.NO_IMAGE_FEATURES)
                ? config
                : config.withImageFeatures(features, config.imageStatistics());
    }
}
