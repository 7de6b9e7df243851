package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class PolicyModelsTest {

    @Test
    void buildsTheCompactModelOnTheCpu() {
        try (PolicyModel model = PolicyModels.create(CompactModelConfig.compactDefault(), "cpu")) {
            assertTrue(model instanceof CompactVisionLanguagePolicy);
            assertEquals(Device.cpu(), model.device());
            assertEquals(CompactModelConfig.COMPACT_MODEL_ID, model.modelId());
        }
    }

    @Test
    void parsesDeviceNames() {
        assertEquals(Device.cpu(), PolicyModels.parseDevice(" CPU "));
        assertThrows(IllegalArgumentException.class, () -> PolicyModels.parseDevice("tpu:0"));
        assertThrows(IllegalArgumentException.class, () -> PolicyModels.parseDevice("gpu:x"));
        if (Engine.getInstance().getGpuCount() == 0) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> PolicyModels.parseDevice("gpu:0"));
            assertTrue(e.getMessage().contains("0 GPU"), e.getMessage());
        }
    }

    @Test
    void gpuDevicesParseWhereAGpuExists() {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU");
        assertEquals(Device.gpu(0), PolicyModels.parseDevice("gpu:0"));
        assertEquals(Device.gpu(0), PolicyModels.parseDevice("gpu0"));
    }
}
