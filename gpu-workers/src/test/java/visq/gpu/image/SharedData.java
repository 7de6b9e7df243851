package visq.gpu.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where tests find the shared data: system property {@code visq.shared}, else {@code ../../shared}. */
public final class SharedData {

    private SharedData() {}

    /** The {@code data} folder of the shared material. */
    public static Path data() {
        String configured = System.getProperty("visq.shared");
        Path shared = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
        Path data = shared.resolve("data").toAbsolutePath().normalize();
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException("shared data not found at " + data + " (set -Dvisq.shared)");
        }
        return data;
    }

    /** A file under the shared {@code data} folder. */
    public static Path file(String relative) {
        return data().resolve(relative);
    }
}
