package visq.gpu.image.features;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import visq.gpu.image.SharedData;

/**
 * The fixtures of this package: {@code src/test/resources/mobilenet/}, written by
 * {@code tools/mobilenet-reference/golden.js} (TF.js 4.22, CPU backend), and the shared nsfwjs model.
 */
final class MobileNetFixtures {

    private MobileNetFixtures() {}

    /** shared/models/mobilenet_v2-nsfwjs/model.json. */
    static Path sharedModel() {
        return SharedData.data().getParent().resolve("models").resolve("mobilenet_v2-nsfwjs").resolve("model.json");
    }

    /** A file of the fixtures folder. */
    static Path resource(String name) {
        URL url = MobileNetFixtures.class.getResource("/mobilenet/" + name);
        if (url == null) {
            throw new IllegalStateException("no fixture mobilenet/" + name + " on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String name) {
        try (InputStream in = MobileNetFixtures.class.getResourceAsStream("/mobilenet/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture mobilenet/" + name + " on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonObject json(String name) {
        return JsonParser.parseString(text(name)).getAsJsonObject();
    }

    static float[] floats(JsonElement array) {
        JsonArray values = array.getAsJsonArray();
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsFloat();
        }
        return out;
    }

    static int[] ints(JsonElement array) {
        JsonArray values = array.getAsJsonArray();
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsInt();
        }
        return out;
    }
}
