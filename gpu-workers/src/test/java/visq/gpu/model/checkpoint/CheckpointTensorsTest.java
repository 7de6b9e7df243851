package visq.gpu.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint directories: the fixtures' sharded Qwen2.5-VL and single-file Qwen2-VL checkpoints
 * (tools/qwen-reference/make_fixtures.py, saved by transformers' save_pretrained), and broken copies of them.
 */
class CheckpointTensorsTest {

    @TempDir
    Path dir;

    static Path fixture(String variant) {
        try {
            return Path.of(CheckpointTensorsTest.class.getResource("/qwen/" + variant + "/checkpoint").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path copy(String variant) {
        Path target = dir.resolve(variant);
        try (Stream<Path> files = Files.list(fixture(variant))) {
            Files.createDirectories(target);
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void rewrite(Path file, String from, String to) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    private static InvalidCheckpointException refused(Path checkpoint, String fragment) {
        InvalidCheckpointException error = assertThrows(InvalidCheckpointException.class,
                (Executable) () -> CheckpointTensors.open(checkpoint).close());
        assertTrue(error.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + error.getMessage());
        return error;
    }

    @Test
    void shardedCheckpointReadsEveryTensorOfItsIndex() {
        Path checkpoint = fixture("qwen2_5_vl");
        try (CheckpointTensors tensors = CheckpointTensors.open(checkpoint);
                NDManager manager = NDManager.newBaseManager()) {
            assertTrue(tensors.contains("model.embed_tokens.weight"));
            assertTrue(tensors.contains("visual.blocks.0.mlp.gate_proj.weight"));
            assertEquals(4, tensors.names().stream().map(tensors::fileOf).distinct().count());
            assertArrayEquals(new long[] {32, 3, 2, 14, 14}, tensors.shape("visual.patch_embed.proj.weight"));
            NDArray embedding = tensors.toArray(manager, "model.embed_tokens.weight");
            assertEquals(new Shape(512, 64), embedding.getShape());
            assertArrayEquals(tensors.floats("model.embed_tokens.weight"), embedding.toFloatArray());
        }
    }

    @Test
    void singleFileCheckpointNeedsNoIndex() {
        try (CheckpointTensors tensors = CheckpointTensors.open(fixture("qwen2_vl"))) {
            assertTrue(tensors.contains("visual.merger.ln_q.bias"));
            assertEquals(fixture("qwen2_vl").resolve("model.safetensors"), tensors.fileOf("model.norm.weight"));
        }
    }

    @Test
    void aShardTheIndexNamesIsMissing() throws IOException {
        Path checkpoint = copy("qwen2_5_vl");
        Files.delete(checkpoint.resolve("model-00003-of-00004.safetensors"));
        refused(checkpoint, "to shard " + checkpoint.toAbsolutePath().resolve("model-00003-of-00004.safetensors")
                + ", which is missing");
        refused(checkpoint, checkpoint.resolve(CheckpointTensors.INDEX_FILE) + " maps tensor '");
    }

    @Test
    void aTensorTheIndexMapsToAShardThatLacksIt() throws IOException {
        Path checkpoint = copy("qwen2_5_vl");
        Path index = checkpoint.resolve(CheckpointTensors.INDEX_FILE);
        String holder;
        try (CheckpointTensors tensors = CheckpointTensors.open(checkpoint)) {
            holder = tensors.fileOf("model.norm.weight").getFileName().toString();
        }
        String other = holder.equals("model-00001-of-00004.safetensors")
                ? "model-00002-of-00004.safetensors" : "model-00001-of-00004.safetensors";
        rewrite(index, "\"model.norm.weight\": \"" + holder, "\"model.norm.weight\": \"" + other);
        refused(checkpoint, "maps tensor 'model.norm.weight' to shard "
                + checkpoint.toAbsolutePath().resolve(other) + ", which does not hold it");
    }

    @Test
    void aShardHoldsATensorTheIndexDoesNotList() throws IOException {
        Path checkpoint = copy("qwen2_5_vl");
        Path index = checkpoint.resolve(CheckpointTensors.INDEX_FILE);
        List<String> lines = Files.readAllLines(index);
        lines.removeIf(line -> line.contains("\"model.norm.weight\""));
        Files.write(index, lines);
        refused(checkpoint, "holds tensor 'model.norm.weight', which " + index + " does not list");
    }

    @Test
    void aCorruptShardNamesItsFile() throws IOException {
        Path checkpoint = copy("qwen2_vl");
        Path file = checkpoint.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));
        refused(checkpoint, "tensors in " + file + " end at byte");
    }

    @Test
    void noWeightsOrAmbiguousWeights() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        refused(empty, "has neither model.safetensors.index.json nor any *.safetensors file");
        refused(dir.resolve("absent"), "checkpoint directory " + dir.resolve("absent") + " does not exist");
        Path two = Files.createDirectories(dir.resolve("two"));
        new SafetensorsWriter().addFloats("a", new long[] {1}, new float[] {1}).write(two.resolve("x.safetensors"));
        new SafetensorsWriter().addFloats("b", new long[] {1}, new float[] {1}).write(two.resolve("y.safetensors"));
        refused(two, "has several safetensors files [x.safetensors, y.safetensors] but no "
                + CheckpointTensors.INDEX_FILE);
    }

    @Test
    void anIndexWithoutAWeightMapOrEscapingTheDirectory() throws IOException {
        Path checkpoint = copy("qwen2_5_vl");
        Path index = checkpoint.resolve(CheckpointTensors.INDEX_FILE);
        rewrite(index, "\"model.norm.weight\": \"model-0000", "\"model.norm.weight\": \"../model-0000");
        refused(checkpoint, "names shard '../model-0000");
        Files.writeString(index, "{\"metadata\": {}}");
        refused(checkpoint, index + " has no 'weight_map' object");
    }

    @Test
    void askingForATensorTheCheckpointLacksNamesIt() {
        try (CheckpointTensors tensors = CheckpointTensors.open(fixture("qwen2_vl"))) {
            InvalidCheckpointException error =
                    assertThrows(InvalidCheckpointException.class, () -> tensors.shape("lm_head.weight"));
            assertEquals("checkpoint " + fixture("qwen2_vl") + " has no tensor 'lm_head.weight'", error.getMessage());
        }
    }
}
