package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.ImagePreprocessor;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.SharedData;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;

/**
 * {@code visq.model.image-features = mobilenet}: the compact policy's statistics token carries the pooled
 * MobileNetV2 features after the image statistics; with the default ({@code none}) nothing changes.
 */
class MobileNetImageTokenTest {

    private static final CompactModelConfig WITH_FEATURES = CompactModelConfig.compactDefault()
            .withImageFeatures(CompactModelConfig.MOBILENET_FEATURES, ImageStatistics.COUNT);

    @BeforeAll
    static void useTheTestsSharedFolder() {
        System.setProperty("visq.shared", SharedData.data().getParent().toString());
    }

    @Test
    void theDefaultConfigurationIsUnchanged() {
        CompactModelConfig plain = CompactModelConfig.compactDefault().withImageStatistics(ImageStatistics.COUNT);
        assertEquals(CompactModelConfig.NO_IMAGE_FEATURES, plain.imageFeatures());
        assertFalse(plain.toJson().contains("imageFeatures"), plain.toJson());
        assertEquals(plain, CompactModelConfig.fromJson(plain.toJson()));
        assertEquals(new ImagePreprocessor(plain.preprocessing()), plain.imagePreparation());
    }

    @Test
    void theMobileNetConfigurationRoundTripsAndCountsItsFeatures() {
        assertEquals(ImageStatistics.COUNT + MobileNetImagePreparation.DEFAULT_FEATURE_COUNT,
                WITH_FEATURES.imageStatistics());
        assertEquals(WITH_FEATURES, CompactModelConfig.fromJson(WITH_FEATURES.toJson()));
        assertTrue(WITH_FEATURES.preprocessing().statistics());
        assertEquals(WITH_FEATURES.patchesPerImage() + 1, WITH_FEATURES.tokensPerImage());
        CompactModelConfig featuresOnly = CompactModelConfig.compactDefault()
                .withImageFeatures(CompactModelConfig.MOBILENET_FEATURES, 0);
        assertFalse(featuresOnly.preprocessing().statistics());
        assertThrows(IllegalArgumentException.class, () -> CompactModelConfig.compactDefault()
                .withImageFeatures("resnet", 0));
        assertThrows(IllegalArgumentException.class, () -> WITH_FEATURES.withImageStatistics(ImageStatistics.COUNT));
    }

    @Test
    void preparedImagesCarryTheStatisticsThenThePooledFeatures() throws IOException {
        BufferedImage photo = ImageIO.read(SharedData.file("clive/images/100.png").toFile());
        MobileNetImagePreparation preparation = (MobileNetImagePreparation) WITH_FEATURES.imagePreparation();
        assertEquals(MobileNetImagePreparation.DEFAULT_FEATURE_COUNT, preparation.featureCount());
        ImageTensor prepared = preparation.preprocess(photo);
        ImageTensor base = new ImagePreprocessor(WITH_FEATURES.preprocessing()).preprocess(photo);
        float[] statistics = prepared.statistics();
        assertEquals(WITH_FEATURES.imageStatistics(), statistics.length);
        assertArrayEquals(base.statistics(), Arrays.copyOf(statistics, ImageStatistics.COUNT));
        assertArrayEquals(base.pixels(), prepared.pixels());
        try (NDManager manager = NDManager.newBaseManager();
                MobileNetFeatures features = MobileNetFeatures.load(MobileNetFixtures.sharedModel(), manager,
                        MobileNetFeatures.Settings.defaults())) {
            assertArrayEquals(features.pooled(manager, photo),
                    Arrays.copyOfRange(statistics, ImageStatistics.COUNT, statistics.length));
        }
    }

    @Test
    void storedFeaturesAreTheComputedOnesAndAreReadBack(@TempDir Path store) throws IOException {
        BufferedImage photo = ImageIO.read(SharedData.file("clive/images/100.png").toFile());
        ImageTensor computed = WITH_FEATURES.imagePreparation().preprocess(photo);
        ImagePreparation storing = WITH_FEATURES.imagePreparation().storingUnder(store);
        assertEquals(WITH_FEATURES.imagePreparation(), storing, "the same preparation: results do not change");
        assertArrayEquals(computed.statistics(), storing.preprocess(photo).statistics(), "computed, then stored");
        List<Path> stored;
        try (Stream<Path> files = Files.walk(store)) {
            stored = files.filter(f -> f.toString().endsWith(".f32")).toList();
        }
        assertEquals(1, stored.size());
        // what is stored is what is read back: overwrite the file's values and the preparation returns them
        float[] marked = new float[MobileNetImagePreparation.DEFAULT_FEATURE_COUNT];
        Arrays.fill(marked, 7f);
        ByteBuffer bytes = ByteBuffer.allocate(4 * marked.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(marked);
        Files.write(stored.get(0), bytes.array());
        float[] read = storing.preprocess(photo).statistics();
        assertArrayEquals(marked, Arrays.copyOfRange(read, ImageStatistics.COUNT, read.length));
        assertArrayEquals(Arrays.copyOf(computed.statistics(), ImageStatistics.COUNT),
                Arrays.copyOf(read, ImageStatistics.COUNT), "the image statistics are always computed");
    }

    @Test
    void thePolicyReadsTheFeatures() throws IOException {
        BufferedImage photo = ImageIO.read(SharedData.file("clive/images/100.png").toFile());
        ImageTensor prepared = WITH_FEATURES.imagePreparation().preprocess(photo);
        float[] changed = prepared.statistics();
        for (int i = ImageStatistics.COUNT; i < changed.length; i++) {
            changed[i] *= 2;
        }
        try (CompactVisionLanguagePolicy model = CompactVisionLanguagePolicy.create(WITH_FEATURES, Device.cpu())) {
            int[] response = model.tokenizer().encode("<answer>\n3.5\n</answer>");
            double original = logProbability(model, prepared, response);
            double doubled = logProbability(model, prepared.withStatistics(changed), response);
            assertTrue(Double.isFinite(original) && Math.abs(original - doubled) > 1e-5,
                    "log-probability with the features: " + original + ", doubled: " + doubled);
        }
    }

    private static double logProbability(CompactVisionLanguagePolicy model, ImageTensor image, int[] response) {
        PolicyPrompt prompt = PromptCatalogue.prompt(QualityTask.SCORE, List.of(image));
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            return model.responseLogProbs(scope, List.of(prompt), List.of(response), 1.0).sum().getFloat();
        }
    }
}
