package visq.gpu.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects F32 tensors and string metadata, then writes them as one safetensors file in the exact layout of the
 * format's reference writer: {@code __metadata__} first, tensors by ascending name with contiguous data, the
 * JSON header padded with spaces to a multiple of 8 bytes. The file is written next to its target and moved into
 * place, so a reader never sees half a file. Not thread-safe.
 */
public final class SafetensorsWriter {

    private static final int COPY_FLOATS = 1 << 20;

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> tensors = new TreeMap<>();

    private record Entry(long[] shape, float[] values) {}

    /** Adds a {@code __metadata__} entry (replacing an earlier value of the same key). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(requireNonEmpty(key, "metadata key"), value);
        return this;
    }

    /**
     * Adds tensor {@code name} with {@code shape} and row-major {@code values} (copied).
     *
     * @throws IllegalArgumentException on a duplicate or reserved name, a negative dimension, or a value count
     *     other than the shape's product
     */
    public SafetensorsWriter addFloats(String name, long[] shape, float[] values) {
        requireNonEmpty(name, "tensor name");
        if (name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("tensor name '" + name + "' is reserved for metadata");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dimension);
        }
        if (count != values.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' has shape %s (%d values) but %d values were given",
                    name, Arrays.toString(shape), count, values.length));
        }
        tensors.put(name, new Entry(shape.clone(), values.clone()));
        return this;
    }

    /** Adds the FLOAT32 array {@code array} (its values are copied now) as tensor {@code name}. */
    public SafetensorsWriter addArray(String name, NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "tensor '%s' is %s: the writer stores FLOAT32 arrays only", name, array.getDataType()));
        }
        return addFloats(name, array.getShape().getShape(), array.toFloatArray());
    }

    /** The header JSON, before padding, for the tensors and metadata added so far. */
    String headerJson() {
        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            json.append(quote(SafetensorsHeader.METADATA_KEY)).append(":{");
            boolean firstEntry = true;
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                json.append(firstEntry ? "" : ",").append(quote(entry.getKey())).append(':')
                        .append(quote(entry.getValue()));
                firstEntry = false;
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, Entry> tensor : tensors.entrySet()) {
            long end = offset + 4L * tensor.getValue().values().length;
            json.append(first ? "" : ",").append(quote(tensor.getKey())).append(":{\"dtype\":\"F32\",\"shape\":[");
            long[] shape = tensor.getValue().shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
            first = false;
        }
        return json.append('}').toString();
    }

    /** Writes the file to {@code path}, replacing any file there. */
    public void write(Path path) {
        byte[] headerBytes = headerJson().getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();
        Path absolute = path.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                writeFully(channel, prefix);
                ByteBuffer data = ByteBuffer.allocate(4 * COPY_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
                for (Entry tensor : tensors.values()) {
                    float[] values = tensor.values();
                    for (int start = 0; start < values.length; start += COPY_FLOATS) {
                        int count = Math.min(COPY_FLOATS, values.length - start);
                        data.clear();
                        data.asFloatBuffer().put(values, start, count);
                        data.limit(4 * count);
                        writeFully(channel, data);
                    }
                }
                channel.force(true);
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot write safetensors file " + path, e);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static String requireNonEmpty(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }

    /** {@code text} as a JSON string literal. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
