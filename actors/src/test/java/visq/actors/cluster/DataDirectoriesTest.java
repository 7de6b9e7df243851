package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;

/** {@code visq.data.shared-dir} and {@code work-dir} read into {@link DataDirectories}, and used by DataSettings. */
class DataDirectoriesTest {

    private static DataDirectories read(String hocon) {
        return DataDirectories.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void readsBothDirectories() {
        DataDirectories directories = read("visq.data { shared-dir = \"/data/shared\", work-dir = \"out/work\" }");
        assertEquals(new DataDirectories(Path.of("/data/shared"), Path.of("out/work")), directories);
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        String message = assertThrows(ConfigException.class, () -> read("visq.data.work-dir = [1, 2]")).getMessage();
        assertTrue(message.contains("visq.data.work-dir"), message);
    }
}
