package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model bench runs end to end on the tiny Qwen checkpoints and on the compact model without the peer, and prints
 * lines that parse to positive numbers. Nothing here is timed against a bound: benchmarks measure, tests do not.
 */
class ModelBenchTest {
    private static final Path QWEN = Path.of("..", "gpu-workers", "src", "test", "resources", "qwen");
    private static final Path IMAGE = QWEN.resolve("images/small.png");
    private static final Pattern GENERATION =
            Pattern.compile("^visq generation: ([0-9.]+) rollouts/s, ([0-9.]+) tokens/s .*$", Pattern.MULTILINE);
    private static final Pattern LEARNER =
            Pattern.compile("^visq learner: ([0-9.]+) ms per GRPO step .*$", Pattern.MULTILINE);
    private static final int GROUP = 3;

    @TempDir
    Path work;

    @Test
    void qwenWithoutPeerPrintsPositiveFiguresAndWritesThePeerInput() throws Exception {
        Path checkpoint = QWEN.resolve("qwen2_5_vl/checkpoint").toAbsolutePath();
        Path missing = work.resolve("no-such-python");
        String output = run(ModelCheckpointOption.overrides(checkpoint), Map.of("VISQ_PEER_PYTHON", missing.toString()));

        assertPositiveFigures(output);
        assertTrue(output.contains("peer skipped: VISQ_PEER_PYTHON=" + missing + " is not an executable file"), output);
        JsonObject input = JsonParser.parseString(
                Files.readString(work.resolve("model-peer-input.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(PeerInput.FORMAT, input.get("format").getAsString());
        assertEquals("qwen2_5_vl", input.get("model_type").getAsString());
        assertEquals(PolicyThroughput.LEARNER_GROUPS * GROUP, input.getAsJsonArray("samples").size());
        JsonObject prompt = input.getAsJsonObject("prompt");
        int rows = prompt.getAsJsonArray("pixel_values_shape").get(0).getAsInt();
        int width = prompt.getAsJsonArray("pixel_values_shape").get(1).getAsInt();
        assertEquals((long) rows * width, prompt.getAsJsonArray("pixel_values").size());
        for (var sample : input.getAsJsonArray("samples")) {
            JsonObject row = sample.getAsJsonObject();
            assertEquals(row.getAsJsonArray("response_ids").size(), row.getAsJsonArray("visq_logprobs").size());
        }
    }

    @Test
    void compactModelRunsWithoutFlagAndSkipsThePeer() throws Exception {
        String output = run(Map.of("visq.model.kind", "compact"), Map.of());

        assertPositiveFigures(output);
        assertTrue(output.contains("peer skipped: the transformers peer runs Qwen checkpoints only"), output);
    }

    @Test
    void checkpointOptionReadsTheKindFromModelType() {
        Path checkpoint = QWEN.resolve("qwen2_vl/checkpoint");

        Map<String, String> overrides = ModelCheckpointOption.overrides(checkpoint);

        assertEquals("\"qwen2-vl\"", overrides.get("visq.model.kind"));
        assertEquals(checkpoint.toString(), ConfigFactory.parseString("c = " + overrides.get("visq.model.checkpoint"))
                .getString("c"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelCheckpointOption.overrides(work));
        assertTrue(error.getMessage().contains("no config.json"), error.getMessage());
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, Median.of(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Median.of(List.of(4.0, 1.0, 3.0, 2.0)));
        assertThrows(IllegalArgumentException.class, () -> Median.of(List.of()));
    }

    private String run(Map<String, String> model, Map<String, String> environment) throws Exception {
        Map<String, String> settings = new HashMap<>();
        model.forEach((key, value) -> settings.put(key, value));
        settings.put("visq.training.group-size", Integer.toString(GROUP));
        settings.put("visq.training.sampling.max-new-tokens", "6");
        settings.put("visq.model.lora.rank", "4");
        Config overrides = ConfigFactory.empty();
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            overrides = overrides.withFallback(ConfigFactory.parseString(entry.getKey() + " = " + entry.getValue()));
        }
        Config config = overrides.withFallback(ConfigFactory.load()).resolve();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new ModelBench(config, out, environment, IMAGE, work, new BenchSummary()).run(2);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void assertPositiveFigures(String output) {
        Matcher generation = GENERATION.matcher(output);
        assertTrue(generation.find(), output);
        assertTrue(Double.parseDouble(generation.group(1)) > 0, output);
        assertTrue(Double.parseDouble(generation.group(2)) > 0, output);
        Matcher learner = LEARNER.matcher(output);
        assertTrue(learner.find(), output);
        assertTrue(Double.parseDouble(learner.group(1)) > 0, output);
    }
}
