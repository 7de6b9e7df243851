package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import visq.gpu.image.SharedData;

/**
 * The nsfwjs MobileNetV2 in DJL against the same model run by TF.js 4.22 on its CPU backend
 * ({@code mobilenet-golden.json} from tools/mobilenet-reference/golden.js): for two synthetic images and CLIVE
 * {@code 100.png}, the prepared input and every one of the 161 layer outputs (mean, mean |x|, 16 fixed positions, 4
 * channel means, and the full pooled features and head) agree within 1e-4. The largest difference of each layer is
 * written to {@code target/mobilenet-golden-differences.txt}.
 */
class MobileNetGoldenTest {

    private static final double LAYER_TOLERANCE = 1e-4;
    private static final double INPUT_TOLERANCE = 1e-6;

    private static NDManager weights;
    private static KerasNetwork network;
    private static KerasNetwork folded;
    private static JsonObject golden;

    @BeforeAll
    static void load() throws IOException {
        weights = NDManager.newBaseManager();
        TfjsLayersModel model = TfjsModelReader.read(MobileNetFixtures.sharedModel());
        network = KerasNetwork.load(model, weights);
        folded = KerasNetwork.load(model, weights, KerasNetwork.Execution.FOLD_BATCH_NORM);
        golden = MobileNetFixtures.json("mobilenet-golden.json");
    }

    @AfterAll
    static void close() {
        network.close();
        folded.close();
        weights.close();
    }

    @Test
    void theGraphIsTheKerasMobileNetV2() {
        assertEquals(162, network.layerNames().size());
        assertEquals(List.of(224, 224, 3), List.of(network.inputShape()[0], network.inputShape()[1],
                network.inputShape()[2]));
        JsonArray layers = golden.getAsJsonArray("layers");
        for (int i = 0; i < layers.size(); i++) {
            JsonObject layer = layers.get(i).getAsJsonObject();
            String name = layer.get("name").getAsString();
            assertEquals(name, network.layerNames().get(i + 1));
            assertEquals(layer.get("className").getAsString(), network.layerClass(name));
            int[] shape = MobileNetFixtures.ints(layer.get("shape"));
            int[] declared = network.outputShape(name);
            for (int d = 0; d < declared.length; d++) {
                assertEquals(shape[d + 1], declared[d], name);
            }
        }
    }

    @Test
    void everyLayerAgreesWithTfjs() throws IOException {
        JsonObject inputLayer = golden.getAsJsonObject("input");
        JsonArray layers = golden.getAsJsonArray("layers");
        List<String> names = new ArrayList<>();
        for (JsonElement layer : layers) {
            names.add(layer.getAsJsonObject().get("name").getAsString());
        }
        StringBuilder report = new StringBuilder("layer\tclass");
        double[][] worst = new double[golden.getAsJsonArray("images").size()][layers.size() + 1];
        int imageIndex = 0;
        for (JsonElement element : golden.getAsJsonArray("images")) {
            JsonObject image = element.getAsJsonObject();
            String imageName = image.get("name").getAsString();
            report.append('\t').append(imageName);
            float[] input = MobileNetInput.prepare(readImage(image.get("source").getAsString()), 224);
            worst[imageIndex][0] = compare(imageName + " input", inputLayer, image.getAsJsonObject("input"), input,
                    INPUT_TOLERANCE);
            try (NDManager scope = weights.newSubManager()) {
                NDArray batch = MobileNetInput.batch(scope, List.of(input), 224, 224);
                Map<String, NDArray> outputs = network.run(batch, names);
                JsonArray expected = image.getAsJsonArray("outputs");
                for (int i = 0; i < layers.size(); i++) {
                    worst[imageIndex][i + 1] = compare(imageName + " " + names.get(i),
                            layers.get(i).getAsJsonObject(), expected.get(i).getAsJsonObject(),
                            outputs.get(names.get(i)).toFloatArray(), LAYER_TOLERANCE);
                }
            }
            imageIndex++;
        }
        report.append('\n');
        for (int i = 0; i <= layers.size(); i++) {
            report.append(i == 0 ? "input\tInput" : names.get(i - 1) + "\t"
                    + layers.get(i - 1).getAsJsonObject().get("className").getAsString());
            for (double[] image : worst) {
                report.append('\t').append(String.format(Locale.ROOT, "%.3g", image[i]));
            }
            report.append('\n');
        }
        Path out = Path.of("target", "mobilenet-golden-differences.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }

    @Test
    void withBatchNormFoldedTheReadableLayersStillAgree() throws IOException {
        JsonArray layers = golden.getAsJsonArray("layers");
        JsonObject clive = golden.getAsJsonArray("images").get(2).getAsJsonObject();
        List<String> readable = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String name = layers.get(i).getAsJsonObject().get("name").getAsString();
            String className = layers.get(i).getAsJsonObject().get("className").getAsString();
            if (!className.equals("Conv2D") && !className.equals("DepthwiseConv2D")) {
                readable.add(name);
                indices.add(i);
            }
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> folded.run(weights.zeros(new ai.djl.ndarray.types.Shape(1, 224, 224, 3)), List.of("Conv1")));
        assertTrue(e.getMessage().contains("layer Conv1 is folded into bn_Conv1"), e.getMessage());
        float[] input = MobileNetInput.prepare(readImage(clive.get("source").getAsString()), 224);
        double worst = 0;
        try (NDManager scope = weights.newSubManager()) {
            Map<String, NDArray> outputs = folded.run(MobileNetInput.batch(scope, List.of(input), 224, 224), readable);
            for (int k = 0; k < readable.size(); k++) {
                worst = Math.max(worst, compare("folded clive-100 " + readable.get(k),
                        layers.get(indices.get(k)).getAsJsonObject(),
                        clive.getAsJsonArray("outputs").get(indices.get(k)).getAsJsonObject(),
                        outputs.get(readable.get(k)).toFloatArray(), LAYER_TOLERANCE));
            }
        }
        Files.writeString(Path.of("target", "mobilenet-golden-folded.txt"),
                "largest difference over the " + readable.size() + " readable layers of clive-100, batch norm folded: "
                        + worst + "\n");
    }

    /** The largest |difference| over everything golden.js recorded of one output; fails above {@code tolerance}. */
    private static double compare(String what, JsonObject layer, JsonObject expected, float[] actual,
            double tolerance) {
        int[] positions = MobileNetFixtures.ints(layer.get("positions"));
        int[] channels = MobileNetFixtures.ints(layer.get("channels"));
        int[] shape = MobileNetFixtures.ints(layer.get("shape"));
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        assertEquals(size, actual.length, what + " size");
        double worst = 0;
        float[] values = MobileNetFixtures.floats(expected.get("values"));
        for (int i = 0; i < positions.length; i++) {
            worst = Math.max(worst, check(what + " at " + positions[i], values[i], actual[positions[i]], tolerance));
        }
        double sum = 0;
        double sumAbs = 0;
        for (float v : actual) {
            sum += v;
            sumAbs += Math.abs(v);
        }
        worst = Math.max(worst, check(what + " mean", expected.get("mean").getAsDouble(), sum / actual.length,
                tolerance));
        worst = Math.max(worst, check(what + " mean |x|", expected.get("meanAbs").getAsDouble(),
                sumAbs / actual.length, tolerance));
        int channelCount = shape[shape.length - 1];
        int spatial = actual.length / channelCount;
        float[] channelMeans = MobileNetFixtures.floats(expected.get("channelMeans"));
        for (int k = 0; k < channels.length; k++) {
            double s = 0;
            for (int p = 0; p < spatial; p++) {
                s += actual[p * channelCount + channels[k]];
            }
            worst = Math.max(worst, check(what + " channel " + channels[k] + " mean", channelMeans[k], s / spatial,
                    tolerance));
        }
        if (expected.has("full")) {
            float[] full = MobileNetFixtures.floats(expected.get("full"));
            for (int i = 0; i < full.length; i++) {
                worst = Math.max(worst, check(what + "[" + i + "]", full[i], actual[i], tolerance));
            }
        }
        return worst;
    }

    private static double check(String what, double expected, double actual, double tolerance) {
        double difference = Math.abs(expected - actual);
        assertTrue(difference <= tolerance, what + ": TF.js " + expected + ", DJL " + actual);
        return difference;
    }

    /** A golden image: "test resource mobilenet/x.png" or "shared data/clive/images/x.png". */
    private static BufferedImage readImage(String source) throws IOException {
        Path path;
        if (source.startsWith("test resource mobilenet/")) {
            path = MobileNetFixtures.resource(source.substring("test resource mobilenet/".length()));
        } else if (source.startsWith("shared data/")) {
            path = SharedData.file(source.substring("shared data/".length()));
        } else {
            throw new IllegalStateException("unknown golden image source " + source);
        }
        BufferedImage image = ImageIO.read(path.toFile());
        if (image == null) {
            throw new IOException("cannot decode " + path);
        }
        return image;
    }
}
