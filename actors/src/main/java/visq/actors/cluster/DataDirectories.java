package visq.actors.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * Where the data lives, read once from {@code visq.data}: {@code shared-dir} (the real photographs and IQA data) and
 * {@code work-dir} (what Visq derives: generated crops, the feature store). Relative paths resolve against the
 * working directory. {@link DataSettings} reads the datasets under them; benches that only need the directories
 * read these alone.
 */
public record DataDirectories(Path shared, Path work) {

    public static DataDirectories fromConfig(Config config) {
        // full paths, so that a bad value's error names its key
        return new DataDirectories(Path.of(config.getString("visq.data.shared-dir")),
                Path.of(config.getString("visq.data.work-dir")));
    }
}
