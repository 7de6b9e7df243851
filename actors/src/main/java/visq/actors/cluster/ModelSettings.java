package visq.actors.cluster;

import com.typesafe.config.Config;
import visq.gpu.image.ImageStatistics;
import visq.gpu.model.ModelConfig;

/** The policy architecture every node builds, read once from {@code visq.model}. */
public final class ModelSettings {
    private ModelSettings() {}

    public static ModelConfig fromConfig(Config config) {
        Config c = config.getConfig("visq.model");
        if (!c.getString("kind").equals("compact")) {
            throw new IllegalArgumentException("visq.model.kind '" + c.getString("kind")
                    + "' is not available in this build; use 'compact'");
        }
        return new ModelConfig(ModelConfig.COMPACT_MODEL_ID, c.getInt("view-size"), c.getInt("patch-size"),
                c.getInt("d-model"), c.getInt("layers"), c.getInt("heads"), c.getInt("ff-dim"),
                c.getInt("max-sequence"), c.getLong("init-seed"),
                c.getBoolean("image-statistics") ? ImageStatistics.COUNT : 0);
    }
}
