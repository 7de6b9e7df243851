package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
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
import visq.actors.cluster.ModelSettings;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.EncodedWeights;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model bench runs end to end on the tiny Qwen checkpoints and on the compact model without the peer, prints
 * lines that parse to positive numbers and writes the peers' inputs; the peer's result file and the launcher's refusals
 * parse as documented. Nothing here is timed against a bound: benchmarks measure, tests do not.
 */
class ModelBenchTest {
    private static final Path QWEN = Path.of("..", "gpu-workers", "src", "test", "resources", "qwen");
    private static final Path IMAGE = QWEN.resolve("images/small.png");
    private static final Pattern GENERATION =
            Pattern.compile("^visq generation: ([0-9.]+) rollouts/s, ([0-9.]+) tokens/s .*; ([0-9.]+) tokens per "
                    + "CPU-second of this thread\\)$", Pattern.MULTILINE);
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
        assertEquals(QwenPeerInput.FORMAT, input.get("format").getAsString());
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
    void compactModelWithoutPeerPythonWritesTheSnapshotAndThePreparedPrompt() throws Exception {
        Path missing = work.resolve("no-such-python");
        String output = run(Map.of("visq.model.kind", "compact"), Map.of("VISQ_PEER_PYTHON", missing.toString()));

        assertPositiveFigures(output);
        assertTrue(output.contains("peer skipped: VISQ_PEER_PYTHON=" + missing + " is not an executable file"), output);
        JsonObject input = JsonParser.parseString(
                Files.readString(work.resolve("model-peer-input.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(CompactPeerInput.FORMAT, input.get("format").getAsString());
        assertEquals(PeerInput.COMPACT_LOG_PROB_TOLERANCE, input.get("logprob_tolerance").getAsDouble());
        assertEquals(PolicyThroughput.LEARNER_GROUPS * GROUP, input.getAsJsonArray("samples").size());
        CompactModelConfig config = (CompactModelConfig) ModelSettings.fromConfig(config(Map.of("visq.model.kind", "compact")));
        JsonObject prompt = input.getAsJsonObject("prompt");
        assertEquals(1, prompt.get("images").getAsInt());
        assertEquals((long) config.patchesPerImage() * config.patchValues(),
                prompt.getAsJsonArray("patches").size());
        assertEquals(config.imageStatistics(), prompt.getAsJsonArray("statistics").size());
        // the snapshot the peer rebuilds the model from is the version-0 model's, byte for byte
        byte[] snapshot = Files.readAllBytes(Path.of(input.get("weights").getAsString()));
        try (CompactVisionLanguagePolicy fresh = CompactVisionLanguagePolicy.create(config, Device.cpu())) {
            assertArrayEquals(fresh.exportWeights(0).content().toByteArray(), snapshot);
            fresh.importWeights(EncodedWeights.of(config.modelId(), 0, snapshot));
        }
    }

    @Test
    void peerResultNamesEveryLibraryAndReadsTheDecodeCheckWhenPresent() throws Exception {
        Path file = work.resolve("result.json");
        Files.writeString(file, "{\"versions\": {\"torch\": \"2.13.0\"}, \"attention\": \"eager\", "
                + "\"logprob_max_abs_diff\": 1e-6, \"decode_logprob_max_abs_diff\": 5e-7, \"logprob_tokens\": 12, "
                + "\"same_model\": true, \"generation\": {\"rollouts_per_second\": [10, 12], "
                + "\"tokens_per_second\": [960, 1152], \"tokens_per_rollout\": 96}, \"learner_ms\": [30.5]}");

        PeerResult result = PeerResult.read(file);

        assertEquals("torch 2.13.0", result.versions());
        assertEquals(5e-7, result.decodeLogProbDifference().getAsDouble());
        assertEquals(List.of(10.0, 12.0), result.rolloutsPerSecond());
        assertEquals(List.of(30.5), result.learnerMillis());
        assertTrue(result.tokensPerCpuSecond().isEmpty(), "a peer that reports no CPU time (the Qwen one)");

        Files.writeString(file, "{\"versions\": {\"torch\": \"2.13.0\"}, \"attention\": \"eager\", "
                + "\"logprob_max_abs_diff\": 1e-6, \"logprob_tokens\": 12, \"same_model\": true, "
                + "\"generation\": {\"rollouts_per_second\": [10], \"tokens_per_second\": [960], "
                + "\"tokens_per_rollout\": 96, \"tokens_per_cpu_second\": [1500, 1400]}, \"learner_ms\": [30.5]}");
        assertEquals(List.of(1500.0, 1400.0), PeerResult.read(file).tokensPerCpuSecond());

        Files.writeString(file, "{\"versions\": {\"torch\": \"2\", \"transformers\": \"5\", \"peft\": \"0.2\"}, "
                + "\"attention\": \"sdpa\", \"logprob_max_abs_diff\": 0.5, \"logprob_tokens\": 12, "
                + "\"same_model\": false}");
        PeerResult different = PeerResult.read(file);
        assertEquals("torch 2, transformers 5, peft 0.2", different.versions());
        assertFalse(different.sameModel());
        assertTrue(different.decodeLogProbDifference().isEmpty());
        assertTrue(different.learnerMillis().isEmpty());

        Files.writeString(file, "{\"versions\": {}, \"attention\": \"eager\"}");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PeerResult.read(file));
        assertTrue(error.getMessage().contains("names no library"), error.getMessage());
    }

    @Test
    void peerLauncherSaysWhyItCannotRun() throws Exception {
        Path notExecutable = Files.writeString(work.resolve("python"), "");

        PeerLauncher.Lookup lookup = PeerLauncher.locate(Map.of("VISQ_PEER_PYTHON", notExecutable.toString()),
                PeerLauncher.COMPACT_SCRIPT);

        assertTrue(lookup.launcher().isEmpty());
        assertEquals("VISQ_PEER_PYTHON=" + notExecutable + " is not an executable file", lookup.reason());
        Path python = Path.of("/bin/sh");
        PeerLauncher.Lookup noScript = PeerLauncher.locate(Map.of("VISQ_PEER_PYTHON", python.toString()),
                Path.of("tools", "no-such-peer", "bench_peer.py"));
        assertTrue(noScript.launcher().isEmpty());
        assertTrue(noScript.reason().startsWith("tools/no-such-peer/bench_peer.py not found above"), noScript.reason());
        assertTrue(PeerLauncher.locate(Map.of("VISQ_PEER_PYTHON", python.toString()), PeerLauncher.COMPACT_SCRIPT)
                .launcher().isPresent());
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new ModelBench(config(model), out, environment, IMAGE, work, new BenchSummary()).run(2);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Config config(Map<String, String> model) {
        Map<String, String> settings = new HashMap<>();
        model.forEach((key, value) -> settings.put(key, value));
        settings.put("visq.training.group-size", Integer.toString(GROUP));
        settings.put("visq.training.sampling.max-new-tokens", "6");
        settings.put("visq.model.lora.rank", "4");
        Config overrides = ConfigFactory.empty();
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            overrides = overrides.withFallback(ConfigFactory.parseString(entry.getKey() + " = " + entry.getValue()));
        }
        return overrides.withFallback(ConfigFactory.load()).resolve();
    }

    private static void assertPositiveFigures(String output) {
        Matcher generation = GENERATION.matcher(output);
        assertTrue(generation.find(), output);
        assertTrue(Double.parseDouble(generation.group(1)) > 0, output);
        assertTrue(Double.parseDouble(generation.group(2)) > 0, output);
        assertTrue(Double.parseDouble(generation.group(3)) > 0, output);
        Matcher learner = LEARNER.matcher(output);
        assertTrue(learner.find(), output);
        assertTrue(Double.parseDouble(learner.group(1)) > 0, output);
    }
}
