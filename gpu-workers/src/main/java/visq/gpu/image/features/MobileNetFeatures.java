package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Frozen quality features from the nsfwjs MobileNetV2: for each chosen layer, the per-channel mean and standard
 * deviation over all spatial positions of its output, computed on the six {@link ImageViews} of an image in one
 * batch. Only plain float arrays leave this class.
 *
 * <p>{@link #pooled} lays a layer's statistics out as {@code [mean over the whole view (C), std over the whole view
 * (C), mean of the five crops' means (C), mean of the five crops' stds (C)]}, layers in the order of the settings.
 */
public final class MobileNetFeatures implements AutoCloseable {

    /**
     * Which layers to pool and how big the views are.
     *
     * @param layers the layers whose statistics make the features, in order
     * @param viewSize the side of each view, the model's input size
     */
    public record Settings(List<String> layers, int viewSize) {
        /**
         * The layer the CLIVE ridge probe chose (tools/mobilenet-reference/clive-probe.md: SRCC 0.734 ± 0.026 over 10
         * random 75/25 splits): 14×14×576, after block 13's expansion.
         */
        public static final String DEFAULT_LAYER = "block_13_expand_relu";
        public static final int DEFAULT_VIEW_SIZE = 224;

        public Settings {
            layers = List.copyOf(layers);
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("no feature layers");
            }
            if (viewSize <= 0) {
                throw new IllegalArgumentException("view size must be positive, got " + viewSize);
            }
        }

        public static Settings defaults() {
            return new Settings(List.of(DEFAULT_LAYER), DEFAULT_VIEW_SIZE);
        }
    }

    /** Per-view statistics of one image: {@code [layer][view][mean (C) then std (C)]}. */
    public record ViewStatistics(List<float[][]> layers) {
        public ViewStatistics {
            layers = List.copyOf(layers);
        }
    }

    /**
     * Views per forward pass unless {@link #withViewsPerForward} says otherwise: one. On one CPU thread six 224×224
     * views one at a time take about 0.7 of the time of the six in one batch (the activations of one view stay in
     * the caches; {@code visq bench --only preparation} measures both). Each view's outputs depend on the others in
     * its batch only through rounding (PyTorch picks its depthwise-convolution kernel by batch size), so the features
     * agree within float rounding, not bit for bit ({@code MobileNetFeaturesTest}).
     */
    public static final int DEFAULT_VIEWS_PER_FORWARD = 1;

    private final KerasNetwork network;
    private final boolean ownsNetwork;
    private final Settings settings;
    private final int viewsPerForward;
    private final int[] channels;

    private MobileNetFeatures(KerasNetwork network, boolean ownsNetwork, Settings settings, int viewsPerForward) {
        if (viewsPerForward <= 0) {
            throw new IllegalArgumentException("views per forward pass must be positive, got " + viewsPerForward);
        }
        this.network = Objects.requireNonNull(network, "network");
        this.ownsNetwork = ownsNetwork;
        this.settings = settings;
        this.viewsPerForward = viewsPerForward;
        this.channels = new int[settings.layers().size()];
        for (int i = 0; i < channels.length; i++) {
            int[] shape = network.outputShape(settings.layers().get(i));
            if (shape.length != 3) {
                throw new IllegalArgumentException("feature layer " + settings.layers().get(i)
                        + " does not output a feature map");
            }
            channels[i] = shape[2];
        }
    }

    /** Features from {@code network}, which the caller keeps owning. */
    public static MobileNetFeatures of(KerasNetwork network, Settings settings) {
        return new MobileNetFeatures(network, false, settings, DEFAULT_VIEWS_PER_FORWARD);
    }

    /**
     * The same features computed with up to {@code views} views in each forward pass, on this instance's network
     * (which this instance keeps owning; close the copy before this one).
     */
    public MobileNetFeatures withViewsPerForward(int views) {
        return new MobileNetFeatures(network, false, settings, views);
    }

    /**
     * Loads the model at {@code modelJson} (TF.js layers format) with parameters under {@code parent}, batch norms
     * folded into the convolutions ({@link KerasNetwork.Execution#FOLD_BATCH_NORM}).
     */
    public static MobileNetFeatures load(Path modelJson, NDManager parent, Settings settings) throws IOException {
        KerasNetwork network = KerasNetwork.load(TfjsModelReader.read(modelJson), parent,
                KerasNetwork.Execution.FOLD_BATCH_NORM);
        try {
            return new MobileNetFeatures(network, true, settings, DEFAULT_VIEWS_PER_FORWARD);
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Length of {@link #pooled}: four statistics per channel of each layer. */
    public int pooledSize() {
        int size = 0;
        for (int c : channels) {
            size += 4 * c;
        }
        return size;
    }

    /**
     * The statistics of every view of {@code image}; the network runs in a sub-scope of {@code scope}, on
     * {@link #withViewsPerForward up to so many} views per forward pass.
     */
    public ViewStatistics statistics(NDManager scope, BufferedImage image) {
        List<float[]> views = ImageViews.of(image, settings.viewSize());
        List<float[][]> perLayer = new ArrayList<>();
        for (int c : channels) {
            perLayer.add(new float[views.size()][2 * c]);
        }
        for (int first = 0; first < views.size(); first += viewsPerForward) {
            List<float[]> chunk = views.subList(first, Math.min(views.size(), first + viewsPerForward));
            try (NDManager work = scope.newSubManager()) {
                NDArray batch = MobileNetInput.batch(work, chunk, settings.viewSize(), settings.viewSize());
                Map<String, NDArray> outputs = network.run(batch, settings.layers());
                for (int l = 0; l < channels.length; l++) {
                    copyMeanAndStd(outputs.get(settings.layers().get(l)), channels[l], perLayer.get(l), first);
                }
            }
        }
        return new ViewStatistics(perLayer);
    }

    /** Each view's channel means and standard deviations over all positions of {@code map} (N×H×W×C). */
    private static void copyMeanAndStd(NDArray map, int c, float[][] byView, int firstView) {
        NDArray positions = map.reshape(map.getShape().get(0), -1, map.getShape().get(3));
        NDArray mean = positions.mean(new int[] {1}, true);
        NDArray std = positions.sub(mean).square().mean(new int[] {1}).sqrt();
        float[] means = mean.toFloatArray();
        float[] stds = std.toFloatArray();
        for (int v = 0; v < map.getShape().get(0); v++) {
            System.arraycopy(means, v * c, byView[firstView + v], 0, c);
            System.arraycopy(stds, v * c, byView[firstView + v], c, c);
        }
    }

    /** The pooled features of {@code image} (see the class comment). */
    public float[] pooled(NDManager scope, BufferedImage image) {
        return pool(statistics(scope, image));
    }

    /** Pools per-view statistics: the whole view's mean and std, then the crops' average mean and std. */
    public static float[] pool(ViewStatistics statistics) {
        int size = 0;
        for (float[][] layer : statistics.layers()) {
            size += 2 * layer[0].length;
        }
        float[] out = new float[size];
        int at = 0;
        for (float[][] layer : statistics.layers()) {
            int width = layer[0].length;
            System.arraycopy(layer[0], 0, out, at, width);
            for (int k = 0; k < width; k++) {
                double sum = 0;
                for (int v = 1; v < layer.length; v++) {
                    sum += layer[v][k];
                }
                out[at + width + k] = (float) (sum / (layer.length - 1));
            }
            at += 2 * width;
        }
        return out;
    }

    @Override
    public void close() {
        if (ownsNetwork) {
            network.close();
        }
    }
}
