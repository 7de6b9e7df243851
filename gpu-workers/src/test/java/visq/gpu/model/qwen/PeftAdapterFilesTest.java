package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.model.checkpoint.SafetensorsFile;
import visq.gpu.model.checkpoint.SafetensorsWriter;

/**
 * PEFT adapter directories: the fixtures' adapter (written by PEFT 0.21 with transformers 5.18) reads into the
 * model's layout; an exported adapter has PEFT's tensor names, shapes and values and the config keys PEFT needs;
 * what Visq cannot run is refused by name.
 */
class PeftAdapterFilesTest {

    private static final Path ADAPTER = QwenFixtures.variant("qwen2_5_vl").resolve("adapter");
    private static final QwenTextConfig TINY =
            new QwenTextConfig(512, 64, 128, 2, 4, 2, 1e-6, 1e6, new int[] {2, 3, 3}, 4096, false);

    @Test
    void readsTheSettingsPeftWrote() {
        LoraSettings settings = PeftAdapterFiles.readSettings(ADAPTER);
        assertEquals(4, settings.rank());
        assertEquals(8.0, settings.alpha());
        assertEquals(List.of("k_proj", "o_proj", "q_proj", "v_proj"), settings.targets());
    }

    @Test
    void exportWritesPeftsNamesShapesAndValues(@TempDir Path out) throws Exception {
        LoraAdapters layout = new LoraAdapters(TINY, PeftAdapterFiles.readSettings(ADAPTER));
        Map<String, float[]> read = PeftAdapterFiles.readTensors(ADAPTER, layout);
        List<float[]> values = new ArrayList<>();
        for (String name : layout.names()) {
            values.add(read.get(name));
        }
        PeftAdapterFiles.write(out, layout, values, "../checkpoint");
        try (SafetensorsFile original = SafetensorsFile.open(ADAPTER.resolve(PeftAdapterFiles.WEIGHTS));
                SafetensorsFile exported = SafetensorsFile.open(out.resolve(PeftAdapterFiles.WEIGHTS))) {
            assertEquals(new java.util.TreeSet<>(original.names()), new java.util.TreeSet<>(exported.names()));
            for (String name : original.names()) {
                assertArrayEquals(original.header(name).shape(), exported.header(name).shape(), name);
                assertArrayEquals(original.floats(name), exported.floats(name), 0f, name);
            }
        }
        JsonObject config = JsonParser.parseString(Files.readString(out.resolve(PeftAdapterFiles.CONFIG)))
                .getAsJsonObject();
        JsonObject peft = JsonParser.parseString(Files.readString(ADAPTER.resolve(PeftAdapterFiles.CONFIG)))
                .getAsJsonObject();
        for (String key : List.of("peft_type", "r", "lora_alpha", "target_modules", "bias", "fan_in_fan_out",
                "use_dora", "use_rslora", "modules_to_save", "layers_to_transform")) {
            assertTrue(config.has(key), "exported config lacks " + key);
            assertEquals(peft.get(key).toString().replace(".0", ""), config.get(key).toString().replace(".0", ""),
                    key);
        }
        assertEquals(PeftAdapterFiles.readSettings(ADAPTER), PeftAdapterFiles.readSettings(out));
    }

    @Test
    void readsAdaptersSavedUnderThePublishedModulePathToo(@TempDir Path dir) throws Exception {
        LoraAdapters layout = new LoraAdapters(TINY, PeftAdapterFiles.readSettings(ADAPTER));
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile original = SafetensorsFile.open(ADAPTER.resolve(PeftAdapterFiles.WEIGHTS))) {
            for (String name : original.names()) {
                writer.addFloats(name.replace("model.language_model.", "model."), original.header(name).shape(),
                        original.floats(name));
            }
        }
        writer.write(dir.resolve(PeftAdapterFiles.WEIGHTS));
        Files.copy(ADAPTER.resolve(PeftAdapterFiles.CONFIG), dir.resolve(PeftAdapterFiles.CONFIG));
        Map<String, float[]> expected = PeftAdapterFiles.readTensors(ADAPTER, layout);
        Map<String, float[]> actual = PeftAdapterFiles.readTensors(dir, layout);
        for (String name : layout.names()) {
            assertArrayEquals(expected.get(name), actual.get(name), 0f, name);
        }
    }

    @Test
    void refusesWhatItCannotRunByName(@TempDir Path dir) throws Exception {
        String config = Files.readString(ADAPTER.resolve(PeftAdapterFiles.CONFIG));
        assertRefused(dir, config.replace("\"use_dora\": false", "\"use_dora\": true"), "use_dora");
        assertRefused(dir, config.replace("\"bias\": \"none\"", "\"bias\": \"all\""), "bias");
        assertRefused(dir, config.replace("\"peft_type\": \"LORA\"", "\"peft_type\": \"IA3\""), "peft_type");
        assertRefused(dir, config.replace("\"rank_pattern\": {}", "\"rank_pattern\": {\"q_proj\": 8}"),
                "rank_pattern");
        assertRefused(dir, "{not json", "not valid JSON");

        LoraAdapters layout = new LoraAdapters(TINY, PeftAdapterFiles.readSettings(ADAPTER));
        Path extra = Files.createDirectories(dir.resolve("extra"));
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile original = SafetensorsFile.open(ADAPTER.resolve(PeftAdapterFiles.WEIGHTS))) {
            for (String name : original.names()) {
                if (!name.contains("layers.1.self_attn.v_proj.lora_B")) {
                    writer.addFloats(name, original.header(name).shape(), original.floats(name));
                }
            }
        }
        writer.addFloats("base_model.model.model.visual.blocks.0.mlp.gate_proj.lora_A.weight", new long[] {4, 32},
                new float[128]);
        writer.write(extra.resolve(PeftAdapterFiles.WEIGHTS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapterFiles.readTensors(extra, layout));
        assertTrue(e.getMessage().contains("unexpected tensor base_model.model.model.visual.blocks.0"), e.getMessage());
        assertTrue(e.getMessage().contains("missing tensor base_model.model.model.language_model.layers.1.self_attn"
                + ".v_proj.lora_B.weight"), e.getMessage());
    }

    private static void assertRefused(Path dir, String config, String mentioned) throws Exception {
        Files.writeString(dir.resolve(PeftAdapterFiles.CONFIG), config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeftAdapterFiles.readSettings(dir));
        assertTrue(e.getMessage().contains(mentioned), e.getMessage());
    }
}
