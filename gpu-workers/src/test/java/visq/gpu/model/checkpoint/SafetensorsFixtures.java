package visq.gpu.model.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import visq.gpu.golden.StrictJson;

/** The committed safetensors fixtures (tools/qwen-reference/make_safetensors_dtypes.py) and hand-made files. */
final class SafetensorsFixtures {

    private SafetensorsFixtures() {}

    static Path resource(String name) {
        try {
            return Path.of(SafetensorsFixtures.class.getResource("/safetensors/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> expected() {
        try {
            return (Map<String, Object>) StrictJson.parse(
                    Files.readString(resource("dtypes-expected.json"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A float list of the expected JSON, where the script wrote infinities and negative zero as strings. */
    static float[] floats(Object list) {
        List<?> values = (List<?>) list;
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            Object value = values.get(i);
            if (value instanceof String) {
                floats[i] = Float.parseFloat(((String) value).replace("inf", "Infinity"));
            } else {
                floats[i] = (float) (double) (Double) value;
            }
        }
        return floats;
    }

    /** Writes a file of {@code header} (unpadded) followed by {@code dataBytes} zero bytes. */
    static Path file(Path dir, String name, String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        return bytes(dir, name, bytes.array());
    }

    static Path bytes(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
