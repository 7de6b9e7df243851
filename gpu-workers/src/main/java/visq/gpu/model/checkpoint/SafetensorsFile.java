package visq.gpu.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A safetensors file opened for reading: an 8-byte little-endian header length, a UTF-8 JSON header
 * ({@link SafetensorsHeader}), then the little-endian tensor data.
 *
 * <p>Tensor data is memory-mapped when read, in windows of at most 1 GiB, so files and tensors larger than 2 GiB
 * are read like small ones. F32, F16 and BF16 tensors read as float32 ({@link #floats}, or an NDArray of FLOAT32 or
 * FLOAT16 with {@link #toArray}); I64 and I32 tensors read as long. BFLOAT16 arrays are never created: DJL 0.32's
 * PyTorch engine aborts the JVM on them, so bf16 is widened while reading.
 *
 * <p>Reads are thread-safe. Closing releases the file channel; arrays already created stay valid.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest window mapped at once, and largest piece handed to DJL when building one array. */
    static final long DEFAULT_WINDOW_BYTES = 1L << 30;

    /** The reference implementation's bound on the header (100 MB); a larger length means a corrupt file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final long dataStart;
    private final long windowBytes;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header, long dataStart,
            long windowBytes) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.dataStart = dataStart;
        this.windowBytes = windowBytes;
    }

    /**
     * Opens {@code path} and validates its header.
     *
     * @throws IllegalArgumentException when the file is not a valid safetensors file (the message names it and
     *     the problem)
     * @throws UncheckedIOException when it cannot be read
     */
    public static SafetensorsFile open(Path path) {
        return open(path, DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(Path)}, mapping windows of at most {@code windowBytes} (tests use small windows). */
    static SafetensorsFile open(Path path, long windowBytes) {
        if (windowBytes < 8) {
            throw new IllegalArgumentException("window of " + windowBytes + " bytes is smaller than one element");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open safetensors file " + path, e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IllegalArgumentException(
                        "safetensors file " + path + " has " + size + " bytes: too short for the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, path);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "safetensors file %s declares a header of %d bytes: expected 2 to %d",
                        path, headerLength, MAX_HEADER_BYTES));
            }
            if (headerLength > size - 8) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "safetensors file %s declares a header of %d bytes but only %d bytes follow the length",
                        path, headerLength, size - 8));
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, path);
            String json = utf8(headerBytes, path);
            if (!json.startsWith("{")) {
                throw new IllegalArgumentException("header of " + path + " does not start with '{'");
            }
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, path.toString());
            return new SafetensorsFile(path, channel, header, dataStart, windowBytes);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read safetensors file " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The file this reads. */
    public Path path() {
        return path;
    }

    /** The {@code __metadata__} strings (empty when the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Names of the tensors, ascending. */
    public List<String> names() {
        return List.copyOf(header.tensors().keySet());
    }

    /** The headers of all tensors, by ascending name. */
    public Collection<TensorHeader> tensors() {
        return header.tensors().values();
    }

    /** Whether the file holds a tensor named {@code name}. */
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /**
     * The header of tensor {@code name}.
     *
     * @throws IllegalArgumentException naming the tensor and file when there is no such tensor
     */
    public TensorHeader header(String name) {
        TensorHeader tensor = header.tensors().get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in " + path);
        }
        return tensor;
    }

    /** The values of the F32, F16 or BF16 tensor {@code name} as float32, in row-major order. */
    public float[] floats(String name) {
        TensorHeader tensor = header(name);
        requireFloating(tensor);
        float[] values = new float[heapLength(tensor)];
        int[] next = {0};
        forEachWindow(tensor, 0, values.length, window -> {
            int count = window.remaining() / tensor.dtype().bytes();
            switch (tensor.dtype()) {
                case F32:
                    window.asFloatBuffer().get(values, next[0], count);
                    break;
                case F16:
                    for (int i = 0; i < count; i++) {
                        values[next[0] + i] = HalfFloats.halfToFloat(window.getShort(window.position() + 2 * i));
                    }
                    break;
                default:
                    for (int i = 0; i < count; i++) {
                        values[next[0] + i] =
                                HalfFloats.bfloat16ToFloat(window.getShort(window.position() + 2 * i));
                    }
                    break;
            }
            next[0] += count;
        });
        return values;
    }

    /** The values of the I64 or I32 tensor {@code name} as long, in row-major order. */
    public long[] longs(String name) {
        TensorHeader tensor = header(name);
        if (tensor.dtype().isFloating()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s is %s, not an integer tensor: read it as floats", name, path, tensor.dtype()));
        }
        long[] values = new long[heapLength(tensor)];
        int[] next = {0};
        forEachWindow(tensor, 0, values.length, window -> {
            int count = window.remaining() / tensor.dtype().bytes();
            if (tensor.dtype() == SafetensorsDtype.I64) {
                window.asLongBuffer().get(values, next[0], count);
            } else {
                for (int i = 0; i < count; i++) {
                    values[next[0] + i] = window.getInt(window.position() + 4 * i);
                }
            }
            next[0] += count;
        });
        return values;
    }

    /** Tensor {@code name} as a FLOAT32 array (INT64 for an integer tensor) attached to {@code manager}. */
    public NDArray toArray(NDManager manager, String name) {
        TensorHeader tensor = header(name);
        return toArray(manager, name, tensor.dtype().isFloating() ? DataType.FLOAT32 : DataType.INT64);
    }

    /**
     * Tensor {@code name} as an array of {@code dataType} attached to {@code manager}: FLOAT32 or FLOAT16 for a
     * floating tensor (F32, F16 or BF16; narrowing to FLOAT16 rounds to nearest even), INT64 for an integer one.
     * The array owns its memory (PyTorch's), independent of this file and of any Java buffer.
     *
     * @throws IllegalArgumentException naming the tensor and data type for any other combination (BFLOAT16
     *     included: DJL 0.32 aborts the JVM on it)
     */
    public NDArray toArray(NDManager manager, String name, DataType dataType) {
        TensorHeader tensor = header(name);
        boolean supported = tensor.dtype().isFloating()
                ? dataType == DataType.FLOAT32 || dataType == DataType.FLOAT16
                : dataType == DataType.INT64;
        if (!supported) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s is %s and cannot be read as %s: floating tensors read as FLOAT32 or FLOAT16, "
                            + "integer tensors as INT64", name, path, tensor.dtype(), dataType));
        }
        long[] dimensions = tensor.shape();
        long count = tensor.elementCount();
        long targetBytes = count * dataType.getNumOfBytes();
        if (count == 0) {
            return manager.zeros(new Shape(dimensions), dataType);
        }
        if (targetBytes <= windowBytes || dimensions.length == 0) {
            return piece(manager, tensor, 0, count, new Shape(dimensions), dataType);
        }
        long rowElements = count / dimensions[0];
        long rowsPerPiece = Math.max(1, windowBytes / (rowElements * dataType.getNumOfBytes()));
        try (NDManager pieces = manager.newSubManager()) {
            NDList parts = new NDList();
            for (long row = 0; row < dimensions[0]; row += rowsPerPiece) {
                long rows = Math.min(rowsPerPiece, dimensions[0] - row);
                long[] partShape = dimensions.clone();
                partShape[0] = rows;
                parts.add(piece(pieces, tensor, row * rowElements, rows * rowElements, new Shape(partShape),
                        dataType));
            }
            NDArray whole = NDArrays.concat(parts, 0);
            whole.attach(manager);
            return whole;
        }
    }

    /** Elements {@code [first, first + count)} of {@code tensor} as one array of {@code shape}. */
    private NDArray piece(NDManager manager, TensorHeader tensor, long first, long count, Shape shape,
            DataType dataType) {
        long bytes = count * dataType.getNumOfBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s: one row of shape %s is %d bytes, more than one array piece can hold",
                    tensor.name(), path, tensor.shapeText(), bytes));
        }
        ByteBuffer target = manager.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        forEachWindow(tensor, first, count, window -> convert(tensor.dtype(), window, target, dataType));
        target.rewind();
        NDArray borrowed = manager.create(target, shape, dataType);
        if (!manager.getDevice().isGpu()) {
            // On the CPU DJL wraps the Java buffer without copying; a PyTorch-owned copy cannot outlive its memory.
            NDArray owned = borrowed.duplicate();
            borrowed.close();
            return owned;
        }
        return borrowed;
    }

    private static void convert(SafetensorsDtype source, ByteBuffer window, ByteBuffer target, DataType dataType) {
        int count = window.remaining() / source.bytes();
        int at = window.position();
        if (dataType == DataType.INT64) {
            for (int i = 0; i < count; i++) {
                target.putLong(source == SafetensorsDtype.I64 ? window.getLong(at + 8 * i) : window.getInt(at + 4 * i));
            }
            return;
        }
        boolean half = dataType == DataType.FLOAT16;
        for (int i = 0; i < count; i++) {
            if (half && source == SafetensorsDtype.F16) {
                target.putShort(window.getShort(at + 2 * i));
                continue;
            }
            float value;
            switch (source) {
                case F32:
                    value = window.getFloat(at + 4 * i);
                    break;
                case F16:
                    value = HalfFloats.halfToFloat(window.getShort(at + 2 * i));
                    break;
                default:
                    value = HalfFloats.bfloat16ToFloat(window.getShort(at + 2 * i));
                    break;
            }
            if (half) {
                target.putShort(HalfFloats.floatToHalf(value));
            } else {
                target.putFloat(value);
            }
        }
    }

    /** Maps elements {@code [first, first + count)} of {@code tensor} window by window, little-endian. */
    private void forEachWindow(TensorHeader tensor, long first, long count,
            Consumer<ByteBuffer> action) {
        int elementBytes = tensor.dtype().bytes();
        long windowElements = Math.max(1, windowBytes / elementBytes);
        long position = dataStart + tensor.begin() + first * elementBytes;
        long remaining = count;
        try {
            while (remaining > 0) {
                long elements = Math.min(windowElements, remaining);
                ByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, position, elements * elementBytes)
                        .order(ByteOrder.LITTLE_ENDIAN);
                action.accept(window);
                position += elements * elementBytes;
                remaining -= elements;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tensor '" + tensor.name() + "' from " + path, e);
        }
    }

    private void requireFloating(TensorHeader tensor) {
        if (!tensor.dtype().isFloating()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s is %s, not a floating tensor: read it as longs",
                    tensor.name(), path, tensor.dtype()));
        }
    }

    private int heapLength(TensorHeader tensor) {
        long count = tensor.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' in %s has %d elements, more than a Java array holds: read it with toArray",
                    tensor.name(), path, count));
        }
        return (int) count;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path path)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IllegalArgumentException("safetensors file " + path + " ends inside its header");
            }
            at += read;
        }
        buffer.flip();
    }

    private static String utf8(ByteBuffer bytes, Path path) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("header of " + path + " is not valid UTF-8", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the open already failed; its error is the one that matters
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path, e);
        }
    }
}
