package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import visq.gpu.data.DatasetSplit;
import visq.gpu.data.IqaSample;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;

/**
 * Command-line diagnostic for the fine-tuning probe (tools/mobilenet-reference/finetune_probe.py): runs the nsfwjs
 * MobileNetV2 (batch norm folded, as {@link MobileNetFeatures#load} does) on the six {@link ImageViews} of every
 * CLIVE image and writes, under an output folder outside the repository, raw little-endian float32 files:
 * <ul>
 *   <li>{@code act_<layer>.f32}: the activations of each earlier layer asked for, {@code [image][view][14][14][C]}
 *       (Keras layout), images in mos.csv order;</li>
 *   <li>{@code pooled.f32}: {@link MobileNetFeatures#pool} of {@code block_13_expand_relu}, {@code [image][2304]};</li>
 *   <li>{@code check_block_13_expand_relu.f32}: that layer's full output for the first {@code check} images;</li>
 *   <li>{@code w_<layer>_<weight>.f32}: the model's dequantised weights (TF.js/Keras layout, before folding) of the
 *       layers from {@code block_11_expand} to {@code block_13_expand_BN};</li>
 *   <li>{@code meta.json}: image ids, MOS, the validation flag of {@code DatasetSplit(seed, 0.25)} by image, shapes,
 *       and the batch-norm epsilons.</li>
 * </ul>
 *
 * <pre>
 * java -cp ... visq.gpu.image.features.CliveActivationDump ../../shared /work/tune-data 20261123 4 \
 *     block_10_project_BN block_11_add block_12_add
 * </pre>
 */
public final class CliveActivationDump {

    private static final String TOP = MobileNetFeatures.Settings.DEFAULT_LAYER;
    private static final String FIRST_EXPORTED_BLOCK = "block_11_";

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        int check = Integer.parseInt(args[3]);
        List<String> layers = List.of(args).subList(4, args.length);
        Files.createDirectories(out);
        List<IqaSample> samples = CliveSamples.read(shared);
        DatasetSplit.Parts parts = new DatasetSplit(seed, 0.25).split(samples, DatasetSplit::byImage);
        Set<String> validation = new HashSet<>();
        parts.validation().forEach(s -> validation.add(s.id()));
        TfjsLayersModel model = TfjsModelReader.read(shared.resolve("models/mobilenet_v2-nsfwjs/model.json"));
        Map<String, int[]> weightShapes = writeWeights(model, out);
        List<String> taps = new ArrayList<>(layers);
        taps.add(TOP);
        Map<String, OutputStream> streams = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
                KerasNetwork network = KerasNetwork.load(model, manager, KerasNetwork.Execution.FOLD_BATCH_NORM);
                OutputStream pooled = Files.newOutputStream(out.resolve("pooled.f32"));
                OutputStream checked = Files.newOutputStream(out.resolve("check_" + TOP + ".f32"))) {
            writeMeta(out, samples, validation, seed, check, layers, network, weightShapes, model);
            for (String layer : layers) {
                streams.put(layer, Files.newOutputStream(out.resolve("act_" + layer + ".f32")));
            }
            for (int i = 0; i < samples.size(); i++) {
                BufferedImage image = ImageDecoder.decode(samples.get(i).image(), ImageLimits.defaults());
                List<float[]> views = ImageViews.of(image, MobileNetFeatures.Settings.DEFAULT_VIEW_SIZE);
                try (NDManager work = manager.newSubManager()) {
                    NDArray batch = MobileNetInput.batch(work, views, 224, 224);
                    Map<String, NDArray> outputs = network.run(batch, taps);
                    for (String layer : layers) {
                        write(streams.get(layer), outputs.get(layer).toFloatArray());
                    }
                    NDArray top = outputs.get(TOP);
                    write(pooled, MobileNetFeatures.pool(statistics(top)));
                    if (i < check) {
                        write(checked, top.toFloatArray());
                    }
                }
                if ((i + 1) % 50 == 0) {
                    System.out.printf(Locale.ROOT, "%d images, %.1f s%n", i + 1, (System.nanoTime() - start) / 1e9);
                }
            }
        } finally {
            for (OutputStream s : streams.values()) {
                s.close();
            }
        }
        System.out.printf(Locale.ROOT, "done: %d images in %.1f s%n", samples.size(), (System.nanoTime() - start) / 1e9);
    }

    /** Per view: mean then (population) std over the spatial positions, as {@link MobileNetFeatures} computes. */
    private static MobileNetFeatures.ViewStatistics statistics(NDArray map) {
        NDArray positions = map.reshape(map.getShape().get(0), -1, map.getShape().get(3));
        NDArray mean = positions.mean(new int[] {1}, true);
        NDArray std = positions.sub(mean).square().mean(new int[] {1}).sqrt();
        float[] means = mean.toFloatArray();
        float[] stds = std.toFloatArray();
        int c = (int) map.getShape().get(3);
        int views = (int) map.getShape().get(0);
        float[][] byView = new float[views][2 * c];
        for (int v = 0; v < views; v++) {
            System.arraycopy(means, v * c, byView[v], 0, c);
            System.arraycopy(stds, v * c, byView[v], c, c);
        }
        return new MobileNetFeatures.ViewStatistics(List.<float[][]>of(byView));
    }

    private static Map<String, int[]> writeWeights(TfjsLayersModel model, Path out) throws IOException {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, TfjsWeight> e : model.weights().entrySet()) {
            String name = e.getKey();
            boolean wanted = name.startsWith(FIRST_EXPORTED_BLOCK) || name.startsWith("block_12_")
                    || name.startsWith("block_13_expand/") || name.startsWith("block_13_expand_BN/");
            if (!wanted) {
                continue;
            }
            try (OutputStream s = Files.newOutputStream(out.resolve("w_" + name.replace('/', '_') + ".f32"))) {
                write(s, e.getValue().values());
            }
            shapes.put(name, e.getValue().shape());
        }
        return shapes;
    }

    private static void write(OutputStream s, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        s.write(buffer.array());
    }

    private static void writeMeta(Path out, List<IqaSample> samples, Set<String> validation, long seed, int check,
            List<String> layers, KerasNetwork network, Map<String, int[]> weightShapes, TfjsLayersModel model)
            throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"seed\": ").append(seed).append(",\n  \"views\": ").append(ImageViews.COUNT)
                .append(",\n  \"check_images\": ").append(check).append(",\n  \"ids\": [");
        for (int i = 0; i < samples.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(samples.get(i).id()).append('"');
        }
        json.append("],\n  \"mos\": [");
        for (int i = 0; i < samples.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(samples.get(i).mos());
        }
        json.append("],\n  \"validation\": [");
        for (int i = 0; i < samples.size(); i++) {
            json.append(i == 0 ? "" : ", ").append(validation.contains(samples.get(i).id()));
        }
        json.append("],\n  \"layers\": {");
        List<String> all = new ArrayList<>(layers);
        all.add(TOP);
        for (int i = 0; i < all.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(all.get(i)).append("\": ")
                    .append(java.util.Arrays.toString(network.outputShape(all.get(i))));
        }
        json.append("},\n  \"weights\": {");
        int k = 0;
        for (Map.Entry<String, int[]> e : weightShapes.entrySet()) {
            json.append(k++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ")
                    .append(java.util.Arrays.toString(e.getValue()));
        }
        json.append("},\n  \"epsilon\": {");
        k = 0;
        for (KerasLayerSpec spec : model.layers()) {
            if (spec.className().equals("BatchNormalization") && weightShapes.containsKey(spec.name() + "/gamma")) {
                json.append(k++ == 0 ? "" : ", ").append('"').append(spec.name()).append("\": ")
                        .append(spec.config().number("epsilon", 1e-3));
            }
        }
        json.append("}\n}\n");
        try (Writer w = Files.newBufferedWriter(out.resolve("meta.json"))) {
            w.write(json.toString());
        }
    }
}
