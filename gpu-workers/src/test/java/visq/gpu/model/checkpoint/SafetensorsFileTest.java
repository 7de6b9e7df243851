package visq.gpu.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against a file Python's safetensors wrote (dtypes.safetensors; expected values are torch's own
 * widening, recorded by tools/qwen-reference/make_safetensors_dtypes.py in dtypes-expected.json).
 */
class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void readsEveryDtypeOfAPythonWrittenFileAsTorchWidensIt() {
        Map<String, Object> expected = SafetensorsFixtures.expected();
        Map<String, Map<String, Object>> tensors = (Map<String, Map<String, Object>>) expected.get("tensors");
        try (SafetensorsFile file = SafetensorsFile.open(SafetensorsFixtures.resource("dtypes.safetensors"))) {
            assertEquals(expected.get("metadata"), file.metadata());
            assertEquals(List.copyOf(new TreeSet<>(tensors.keySet())), file.names());
            for (Map.Entry<String, Map<String, Object>> entry : tensors.entrySet()) {
                String name = entry.getKey();
                TensorHeader header = file.header(name);
                List<?> shape = (List<?>) entry.getValue().get("shape");
                assertEquals(shape.size(), header.shape().length, name);
                for (int i = 0; i < shape.size(); i++) {
                    assertEquals(((Double) shape.get(i)).longValue(), header.shape()[i], name);
                }
                if (header.dtype().isFloating()) {
                    float[] want = SafetensorsFixtures.floats(entry.getValue().get("values"));
                    assertBitsEqual(want, file.floats(name), name);
                } else {
                    List<?> values = (List<?>) entry.getValue().get("values");
                    long[] want = new long[values.size()];
                    for (int i = 0; i < want.length; i++) {
                        want[i] = ((Double) values.get(i)).longValue();
                    }
                    assertArrayEquals(want, file.longs(name), name);
                }
            }
        }
    }

    @Test
    void dtypesOfTheHeaderAreReportedAsWritten() {
        try (SafetensorsFile file = SafetensorsFile.open(SafetensorsFixtures.resource("dtypes.safetensors"))) {
            assertEquals(SafetensorsDtype.BF16, file.header("bf16.vector").dtype());
            assertEquals(SafetensorsDtype.F16, file.header("f16.vector").dtype());
            assertEquals(SafetensorsDtype.F32, file.header("f32.vector").dtype());
            assertEquals(SafetensorsDtype.I64, file.header("i64.ids").dtype());
            assertEquals(SafetensorsDtype.I32, file.header("i32.ids").dtype());
            assertEquals(0, file.header("f32.scalar").shape().length);
            assertEquals(0, file.header("f32.empty").elementCount());
        }
    }

    @Test
    void arraysHoldTheSameValuesAsFloatsAndRoundToFloat16AsTorchDoes() {
        Map<String, Object> expected = SafetensorsFixtures.expected();
        try (SafetensorsFile file = SafetensorsFile.open(SafetensorsFixtures.resource("dtypes.safetensors"));
                NDManager manager = NDManager.newBaseManager()) {
            for (String name : file.names()) {
                NDArray array = file.toArray(manager, name);
                assertEquals(new Shape(file.header(name).shape()), array.getShape(), name);
                if (file.header(name).dtype().isFloating()) {
                    assertEquals(DataType.FLOAT32, array.getDataType(), name);
                    assertBitsEqual(file.floats(name), array.toFloatArray(), name);
                } else {
                    assertEquals(DataType.INT64, array.getDataType(), name);
                    assertArrayEquals(file.longs(name), array.toLongArray(), name);
                }
            }
            NDArray half = file.toArray(manager, "f32.vector", DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertBitsEqual(SafetensorsFixtures.floats(expected.get("f32.vector.as_float16")),
                    half.toType(DataType.FLOAT32, false).toFloatArray(), "f32 -> f16");
            assertBitsEqual(SafetensorsFixtures.floats(expected.get("bf16.vector.as_float16")),
                    file.toArray(manager, "bf16.vector", DataType.FLOAT16).toType(DataType.FLOAT32, false)
                            .toFloatArray(), "bf16 -> f16");
            assertBitsEqual(file.floats("f16.vector"),
                    file.toArray(manager, "f16.vector", DataType.FLOAT16).toType(DataType.FLOAT32, false)
                            .toFloatArray(), "f16 -> f16");
        }
    }

    @Test
    void windowsSmallerThanATensorReadTheSameValues() {
        Path path = SafetensorsFixtures.resource("dtypes.safetensors");
        try (SafetensorsFile whole = SafetensorsFile.open(path);
                SafetensorsFile windowed = SafetensorsFile.open(path, 8);
                NDManager manager = NDManager.newBaseManager()) {
            for (String name : whole.names()) {
                if (whole.header(name).dtype().isFloating()) {
                    assertBitsEqual(whole.floats(name), windowed.floats(name), name);
                    NDArray pieced = windowed.toArray(manager, name);
                    assertEquals(new Shape(whole.header(name).shape()), pieced.getShape(), name);
                    assertBitsEqual(whole.floats(name), pieced.toFloatArray(), name);
                    assertBitsEqual(
                            whole.toArray(manager, name, DataType.FLOAT16).toType(DataType.FLOAT32, false)
                                    .toFloatArray(),
                            windowed.toArray(manager, name, DataType.FLOAT16).toType(DataType.FLOAT32, false)
                                    .toFloatArray(), name);
                } else {
                    assertArrayEquals(whole.longs(name), windowed.longs(name), name);
                    assertArrayEquals(whole.longs(name), windowed.toArray(manager, name).toLongArray(), name);
                }
            }
        }
    }

    @Test
    void arraysOutliveTheFileAndItsManagerOwnsThem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array;
            try (SafetensorsFile file = SafetensorsFile.open(SafetensorsFixtures.resource("dtypes.safetensors"))) {
                array = file.toArray(manager, "f32.matrix");
            }
            System.gc();
            float[] values = array.toFloatArray();
            assertEquals(24, values.length);
            assertEquals(-1.0f, values[0]);
            assertEquals(4.75f, values[23]);
            assertEquals(manager, array.getManager());
        }
    }

    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        long padElements = (1L << 29) + 2;
        long padBytes = 4 * padElements;
        String header = "{\"pad\":{\"dtype\":\"F32\",\"shape\":[" + padElements + "],\"data_offsets\":[0," + padBytes
                + "]},\"tail\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[" + padBytes + "," + (padBytes + 6)
                + "]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        Path path = dir.resolve("sparse.safetensors");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(json.length).put(json).flip();
            channel.write(prefix, 0);
            ByteBuffer tail = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
            // bfloat16 bits of 1.0, -2.0 and 0.5: the upper halves of their float32 bits
            tail.putShort((short) 0x3f80).putShort((short) 0xc000).putShort((short) 0x3f00).flip();
            channel.write(tail, 8 + json.length + padBytes);
        }
        try (SafetensorsFile file = SafetensorsFile.open(path); NDManager manager = NDManager.newBaseManager()) {
            assertTrue(8 + json.length + padBytes > Integer.MAX_VALUE);
            assertArrayEquals(new float[] {1.0f, -2.0f, 0.5f}, file.floats("tail"));
            assertArrayEquals(new float[] {1.0f, -2.0f, 0.5f}, file.toArray(manager, "tail").toFloatArray());
        }
    }

    @Test
    void readingTheWrongKindOrAnUnknownTensorNamesIt() {
        try (SafetensorsFile file = SafetensorsFile.open(SafetensorsFixtures.resource("dtypes.safetensors"));
                NDManager manager = NDManager.newBaseManager()) {
            assertMessage("no tensor 'missing' in", () -> file.floats("missing"));
            assertMessage("tensor 'i64.ids' in", () -> file.floats("i64.ids"));
            assertMessage("is I64, not a floating tensor", () -> file.floats("i64.ids"));
            assertMessage("is BF16, not an integer tensor", () -> file.longs("bf16.vector"));
            assertMessage("tensor 'bf16.vector' in", () -> file.toArray(manager, "bf16.vector", DataType.BFLOAT16));
            assertMessage("cannot be read as bfloat16", () -> file.toArray(manager, "bf16.vector", DataType.BFLOAT16));
            assertMessage("cannot be read as float32", () -> file.toArray(manager, "i32.ids", DataType.FLOAT32));
        }
    }

    static void assertMessage(String fragment, Executable action) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, action);
        assertTrue(error.getMessage().contains(fragment),
                () -> "expected '" + fragment + "' in: " + error.getMessage());
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            int index = i;
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    () -> what + "[" + index + "]: expected " + expected[index] + ", got " + actual[index]);
        }
    }
}
