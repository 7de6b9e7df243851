package visq.actors.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.actors.ReferenceConfig;

/** {@code visq.rollout} read into {@link RolloutWorker.Settings}: the node's devices and the restart budget. */
class RolloutWorkerSettingsTest {

    private static RolloutWorker.Settings read(String hocon) {
        return RolloutWorker.Settings.fromConfig(ReferenceConfig.with(hocon));
    }

    @Test
    void theDefaultIsOneCpuWorker() {
        // reference.conf's visq.rollout block
        assertEquals(new RolloutWorker.Settings(List.of("cpu"), 5, Duration.ofMinutes(1), Duration.ofMillis(200),
                Duration.ofSeconds(10)), read(""));
    }

    @Test
    void readsEveryDevice() {
        assertEquals(List.of("gpu:0", "gpu:1"), read("visq.rollout.devices = [\"gpu:0\", \"gpu:1\"]").devices());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        String message = assertThrows(ConfigException.class, () -> read("visq.rollout.max-restarts = often"))
                .getMessage();
        assertTrue(message.contains("visq.rollout.max-restarts"), message);
    }
}
