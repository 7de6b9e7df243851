package visq.gpu.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static visq.gpu.model.checkpoint.SafetensorsFileTest.assertBitsEqual;
import static visq.gpu.model.checkpoint.SafetensorsFileTest.assertMessage;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesTheSameBytesAsPythonSafetensors() throws IOException {
        // f32-only.safetensors: save_file of these two tensors (tools/qwen-reference/make_safetensors_dtypes.py)
        Path path = dir.resolve("f32-only.safetensors");
        new SafetensorsWriter()
                .addFloats("b.weight", new long[] {2, 3}, new float[] {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f})
                .addFloats("a.bias", new long[] {2}, new float[] {3.25f, -7.0f})
                .write(path);
        assertArrayEquals(Files.readAllBytes(SafetensorsFixtures.resource("f32-only.safetensors")),
                Files.readAllBytes(path));
    }

    @Test
    void roundTripsTensorsAndMetadata() throws IOException {
        Path path = dir.resolve("round-trip.safetensors");
        float[] matrix = new float[3 * 5];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) Math.sin(i) * 1e3f;
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE};
        try (NDManager manager = NDManager.newBaseManager()) {
            new SafetensorsWriter()
                    .metadata("format", "pt")
                    .metadata("note", "quote \" backslash \\ newline \n unicode \u00e9")
                    .addFloats("matrix", new long[] {3, 5}, matrix)
                    .addFloats("special", new long[] {5}, special)
                    .addFloats("scalar", new long[] {}, new float[] {2.5f})
                    .addFloats("empty", new long[] {0, 4}, new float[0])
                    .addArray("from.array", manager.arange(6f).reshape(2, 3))
                    .write(path);
        }
        byte[] bytes = Files.readAllBytes(path);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        assertFalse(Files.exists(dir.resolve("round-trip.safetensors.partial")));
        try (SafetensorsFile file = SafetensorsFile.open(path); NDManager manager = NDManager.newBaseManager()) {
            assertEquals(Map.of("format", "pt", "note", "quote \" backslash \\ newline \n unicode \u00e9"),
                    file.metadata());
            assertEquals(List.of("empty", "from.array", "matrix", "scalar", "special"), file.names());
            assertBitsEqual(matrix, file.floats("matrix"), "matrix");
            assertBitsEqual(special, file.floats("special"), "special");
            assertBitsEqual(new float[] {2.5f}, file.floats("scalar"), "scalar");
            assertEquals(new Shape(0, 4), file.toArray(manager, "empty").getShape());
            assertEquals(new Shape(2, 3), file.toArray(manager, "from.array").getShape());
            assertBitsEqual(new float[] {0, 1, 2, 3, 4, 5}, file.floats("from.array"), "from.array");
        }
    }

    @Test
    void refusesInconsistentTensors() {
        SafetensorsWriter writer = new SafetensorsWriter().addFloats("a", new long[] {1}, new float[] {1});
        assertMessage("tensor 'a' added twice", () -> writer.addFloats("a", new long[] {1}, new float[] {1}));
        assertMessage("tensor 'b' has shape [2, 2] (4 values) but 3 values were given",
                () -> writer.addFloats("b", new long[] {2, 2}, new float[3]));
        assertMessage("reserved", () -> writer.addFloats("__metadata__", new long[] {1}, new float[1]));
        assertMessage("negative dimension", () -> writer.addFloats("c", new long[] {-1}, new float[0]));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertMessage("tensor 'ids' is int64: the writer stores FLOAT32 arrays only",
                    () -> writer.addArray("ids", manager.create(new long[] {1, 2, 3})));
        }
    }
}
