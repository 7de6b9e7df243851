package visq.actors.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import visq.gpu.image.ImagePreparation;

/**
 * Typed settings of the training data, read once from {@code visq.data}; images are prepared as the model
 * ({@code visq.model}) needs them.
 */
public record DataSettings(Path sharedDirectory, Path workDirectory, long seed, int kodakSources, int cropsPerSource,
        double validationFraction, int cliveImages, ImagePreparation preparation) {

    public static DataSettings fromConfig(Config config) {
        Config c = config.getConfig("visq.data");
        return new DataSettings(Path.of(c.getString("shared-dir")), Path.of(c.getString("work-dir")), c.getLong("seed"),
                c.getInt("kodak-sources"), c.getInt("crops-per-source"), c.getDouble("validation-fraction"),
                c.getInt("clive-images"), ModelSettings.fromConfig(config).imagePreparation());
    }
}
