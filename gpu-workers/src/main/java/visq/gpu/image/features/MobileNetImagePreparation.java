package visq.gpu.image.features;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageTensor;

/**
 * An image preparation that adds frozen MobileNetV2 features to another preparation's output: the tensor of
 * {@code base}, whose statistics are followed by the {@link MobileNetFeatures#pooled pooled features} of the
 * decoded image. A model that reads image statistics through one token per image (the compact policy) then sees
 * them in that token.
 *
 * <p>The network is loaded once per JVM for each model file and feature settings, on the CPU, and kept for the
 * JVM's life (2.6 M parameters); each call runs it in its own scope, so one instance serves several threads. A copy
 * {@link #storingUnder storing under} a directory reads features computed before from a {@link FeatureStore} there and
 * stores the ones it computes.
 */
public final class MobileNetImagePreparation implements ImagePreparation {

    /** Pooled features with {@link MobileNetFeatures.Settings#defaults()}: 4 statistics × 576 channels. */
    public static final int DEFAULT_FEATURE_COUNT = 4 * 576;

    private static final Map<Key, MobileNetFeatures> LOADED = new HashMap<>();
    private static NDManager sharedManager;

    private record Key(Path modelJson, MobileNetFeatures.Settings settings) {}

    private final ImagePreparation base;
    private final Key key;
    private final Optional<FeatureStore> store;

    /** Features of {@code settings} from the model at {@code modelJson}, after {@code base}'s own output. */
    public MobileNetImagePreparation(ImagePreparation base, Path modelJson, MobileNetFeatures.Settings settings) {
        this(base, new Key(modelJson.toAbsolutePath().normalize(), Objects.requireNonNull(settings, "settings")),
                Optional.empty());
    }

    private MobileNetImagePreparation(ImagePreparation base, Key key, Optional<FeatureStore> store) {
        this.base = Objects.requireNonNull(base, "base");
        this.key = key;
        this.store = store;
    }

    @Override
    public ImagePreparation storingUnder(Path directory) {
        return new MobileNetImagePreparation(base, key, Optional.of(new FeatureStore(directory)));
    }

    /**
     * The nsfwjs model in the shared folder: system property {@code visq.shared} (as the {@code visq} launcher and
     * node processes set it), else {@code ../shared}.
     */
    public static Path sharedModel() {
        Path shared = Path.of(System.getProperty("visq.shared", Path.of("..", "shared").toString()));
        return shared.resolve("models").resolve("mobilenet_v2-nsfwjs").resolve("model.json");
    }

    /** How many values {@link #preprocess} appends to the base statistics. */
    public int featureCount() {
        return features().pooledSize();
    }

    @Override
    public ImageTensor preprocess(BufferedImage image) {
        return base.preprocess(image).withStatisticsAppended(pooled(image));
    }

    private float[] pooled(BufferedImage image) {
        if (store.isEmpty()) {
            return compute(image);
        }
        String storeKey = FeatureStore.key(producer(), image);
        Optional<float[]> stored = store.get().read(storeKey, featureCount());
        if (stored.isPresent()) {
            return stored.get();
        }
        float[] computed = compute(image);
        store.get().write(storeKey, computed);
        return computed;
    }

    private float[] compute(BufferedImage image) {
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            return features().pooled(scope, image);
        }
    }

    /**
     * What the stored features depend on besides the pixels: the model file and the feature settings. Version 2:
     * one view per forward pass, whose features differ from version 1's six-view batches in the last bits (the
     * depthwise convolutions' kernels depend on the batch size), so the two never mix in one store.
     */
    private String producer() {
        return "mobilenet-pooled-v2 " + key.modelJson() + " " + key.settings();
    }

    private MobileNetFeatures features() {
        synchronized (LOADED) {
            MobileNetFeatures loaded = LOADED.get(key);
            if (loaded == null) {
                if (sharedManager == null) {
                    sharedManager = NDManager.newBaseManager(Device.cpu());
                }
                try {
                    loaded = MobileNetFeatures.load(key.modelJson(), sharedManager, key.settings());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the MobileNetV2 model " + key.modelJson(), e);
                }
                LOADED.put(key, loaded);
            }
            return loaded;
        }
    }

    /** Equal when they prepare images the same way (prepared data are cached per preparation). */
    @Override
    public boolean equals(Object other) {
        return other instanceof MobileNetImagePreparation that && base.equals(that.base) && key.equals(that.key);
    }

    @Override
    public int hashCode() {
        return 31 * base.hashCode() + key.hashCode();
    }

    @Override
    public String toString() {
        return "MobileNetImagePreparation[" + base + ", " + key.settings().layers() + "]";
    }
}
