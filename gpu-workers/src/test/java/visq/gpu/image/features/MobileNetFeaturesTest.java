package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import visq.gpu.image.SharedData;

/**
 * Pooled features: the whole view's channel means of CLIVE 100.png equal TF.js's ({@code mobilenet-golden.json},
 * the clive-100 image is that whole view); the layout of {@link MobileNetFeatures#pooled} against the network's own
 * outputs on the six views.
 */
class MobileNetFeaturesTest {

    @Test
    void wholeViewMeansAgreeWithTfjs() throws IOException {
        BufferedImage photo = ImageIO.read(SharedData.file("clive/images/100.png").toFile());
        JsonObject golden = MobileNetFixtures.json("mobilenet-golden.json");
        String layerName = MobileNetFeatures.Settings.DEFAULT_LAYER;
        JsonArray layers = golden.getAsJsonArray("layers");
        int index = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).getAsJsonObject().get("name").getAsString().equals(layerName)) {
                index = i;
            }
        }
        int[] channels = MobileNetFixtures.ints(layers.get(index).getAsJsonObject().get("channels"));
        JsonObject clive = golden.getAsJsonArray("images").get(2).getAsJsonObject();
        assertEquals("clive-100", clive.get("name").getAsString());
        float[] means = MobileNetFixtures.floats(clive.getAsJsonArray("outputs").get(index).getAsJsonObject()
                .get("channelMeans"));
        try (NDManager manager = NDManager.newBaseManager();
                MobileNetFeatures features = MobileNetFeatures.load(MobileNetFixtures.sharedModel(), manager,
                        MobileNetFeatures.Settings.defaults())) {
            int before = manager.getManagedArrays().size();
            float[] pooled = features.pooled(manager, photo);
            assertEquals(before, manager.getManagedArrays().size(), "the run left no arrays behind");
            assertEquals(features.pooledSize(), pooled.length);
            for (int k = 0; k < channels.length; k++) {
                assertEquals(means[k], pooled[channels[k]], 1e-4, "channel " + channels[k]);
            }
        }
    }

    /**
     * One view per forward pass (the default) gives the features of the six views in one batch, and so does an
     * uneven split (4 + 2), up to float rounding: the expected values are the same network run on the six-view
     * batch. (Not bit for bit: PyTorch's depthwise convolutions pick their kernel by batch size; the maps then
     * differ by at most ≈ 5e-6.)
     */
    @Test
    void viewsPerForwardPassChangeTheFeaturesOnlyByRounding() throws IOException {
        BufferedImage photo = ImageIO.read(SharedData.file("clive/images/100.png").toFile());
        try (NDManager manager = NDManager.newBaseManager();
                MobileNetFeatures oneAtATime = MobileNetFeatures.load(MobileNetFixtures.sharedModel(), manager,
                        MobileNetFeatures.Settings.defaults());
                MobileNetFeatures allSix = oneAtATime.withViewsPerForward(ImageViews.COUNT);
                MobileNetFeatures fourThenTwo = oneAtATime.withViewsPerForward(4)) {
            float[] batched = allSix.pooled(manager, photo);
            assertWithinRounding(batched, oneAtATime.pooled(manager, photo));
            assertWithinRounding(batched, fourThenTwo.pooled(manager, photo));
            assertThrows(IllegalArgumentException.class, () -> oneAtATime.withViewsPerForward(0));
        }
    }

    private static void assertWithinRounding(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "feature " + i);
        }
    }

    @Test
    void pooledLayoutIsWholeMeanStdThenCropAverages() throws IOException {
        byte[] shard = java.nio.file.Files.readAllBytes(MobileNetFixtures.resource("tiny.bin"));
        TfjsLayersModel tiny = TfjsModelReader.parse(MobileNetFixtures.text("tiny-model.json"), path -> shard);
        BufferedImage image = ImageIO.read(MobileNetFixtures.resource("synthetic-pattern.png").toFile());
        try (NDManager manager = NDManager.newBaseManager();
                KerasNetwork network = KerasNetwork.load(tiny, manager)) {
            MobileNetFeatures features =
                    MobileNetFeatures.of(network, new MobileNetFeatures.Settings(List.of("add"), 9));
            float[] pooled = features.pooled(manager, image);
            assertEquals(4 * 8, pooled.length);
            List<float[]> views = ImageViews.of(image, 9);
            Map<String, NDArray> outputs = network.run(MobileNetInput.batch(manager, views, 9, 9), List.of("add"));
            float[] map = outputs.get("add").toFloatArray(); // 6 x 5 x 5 x 8
            int positions = 25;
            for (int c = 0; c < 8; c++) {
                double[] mean = new double[6];
                double[] std = new double[6];
                for (int v = 0; v < 6; v++) {
                    for (int p = 0; p < positions; p++) {
                        mean[v] += map[(v * positions + p) * 8 + c] / (double) positions;
                    }
                    for (int p = 0; p < positions; p++) {
                        double d = map[(v * positions + p) * 8 + c] - mean[v];
                        std[v] += d * d / positions;
                    }
                    std[v] = Math.sqrt(std[v]);
                }
                double cropMean = (mean[1] + mean[2] + mean[3] + mean[4] + mean[5]) / 5;
                double cropStd = (std[1] + std[2] + std[3] + std[4] + std[5]) / 5;
                assertEquals(mean[0], pooled[c], 1e-5, "whole mean " + c);
                assertEquals(std[0], pooled[8 + c], 1e-5, "whole std " + c);
                assertEquals(cropMean, pooled[16 + c], 1e-5, "crop mean " + c);
                assertEquals(cropStd, pooled[24 + c], 1e-5, "crop std " + c);
            }
        }
    }
}
