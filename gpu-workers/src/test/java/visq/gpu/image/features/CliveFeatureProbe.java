package visq.gpu.image.features;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;

/**
 * Command-line probe of the MobileNetV2 features on CLIVE: per image the per-view statistics of several candidate
 * layers (cached in a file), then ridge probes ({@link RidgeProbe}, 10 random 75/25 splits) for each layer and
 * pooling, printed as SRCC/PLCC mean ± sd, and the measured feature cost per image.
 *
 * <pre>
 * java -cp ... visq.gpu.image.features.CliveFeatureProbe --shared ../shared --cache target/clive-mobilenet.bin
 * </pre>
 */
public final class CliveFeatureProbe {

    static final List<String> CANDIDATES = List.of(
            "block_2_add", "block_5_add", "block_6_expand_relu", "block_9_add", "block_10_expand_relu",
            "block_12_add", "block_13_expand_relu", "block_14_add", "block_16_project_BN", "out_relu");
    private static final int SPLITS = 10;
    private static final double TRAIN_FRACTION = 0.75;
    private static final long SEED = 20240601L;

    private CliveFeatureProbe() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path shared = Path.of(options.getOrDefault("--shared", "../shared"));
        Path cache = Path.of(options.getOrDefault("--cache", "target/clive-mobilenet-statistics.bin"));
        int limit = Integer.parseInt(options.getOrDefault("--limit", "0"));
        Path model = shared.resolve("models/mobilenet_v2-nsfwjs/model.json");
        List<String[]> rows = mosRows(shared.resolve("data/clive/mos.csv"));
        if (limit > 0) {
            rows = rows.subList(0, Math.min(limit, rows.size()));
        }
        double[] mos = rows.stream().mapToDouble(r -> Double.parseDouble(r[1])).toArray();
        if (options.containsKey("--cost-only")) {
            try (NDManager manager = NDManager.newBaseManager()) {
                measureCost(model, manager, shared, rows);
            } catch (visq.gpu.image.InvalidImageException e) {
                throw new IOException(e);
            }
            return;
        }

        List<MobileNetFeatures.ViewStatistics> statistics;
        try (NDManager manager = NDManager.newBaseManager();
                MobileNetFeatures all = MobileNetFeatures.load(model, manager,
                        new MobileNetFeatures.Settings(CANDIDATES, 224))) {
            if (Files.exists(cache)) {
                statistics = readCache(cache, rows.size());
                System.out.println("statistics of " + rows.size() + " images from " + cache);
            } else {
                statistics = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < rows.size(); i++) {
                    Path file = shared.resolve("data/clive/images").resolve(rows.get(i)[0]);
                    BufferedImage image = ImageDecoder.decode(file, ImageLimits.defaults());
                    statistics.add(all.statistics(manager, image));
                    if ((i + 1) % 50 == 0) {
                        System.out.printf(Locale.ROOT, "%d images, %.0f ms each (all candidate layers)%n", i + 1,
                                (System.nanoTime() - start) / 1e6 / (i + 1));
                    }
                }
                writeCache(cache, statistics);
            }
            measureCost(model, manager, shared, rows);
        } catch (visq.gpu.image.InvalidImageException e) {
            throw new IOException(e);
        }

        Map<String, Function<float[][], float[]>> poolings = new LinkedHashMap<>();
        poolings.put("whole mean+std", s -> s[0].clone());
        poolings.put("whole+crops mean+std", CliveFeatureProbe::pooledLayer);
        poolings.put("6-view average mean+std", CliveFeatureProbe::averageOfViews);
        poolings.put("whole+crops mean only", s -> meansOnly(s));
        poolings.put("6 views concatenated", CliveFeatureProbe::concatenated);
        System.out.printf("%-22s %-26s %-17s %-17s%n", "layer", "pooling", "SRCC mean ± sd", "PLCC mean ± sd");
        for (int l = 0; l < CANDIDATES.size(); l++) {
            for (Map.Entry<String, Function<float[][], float[]>> pooling : poolings.entrySet()) {
                final int layer = l;
                float[][] x = statistics.stream().map(s -> pooling.getValue().apply(s.layers().get(layer)))
                        .toArray(float[][]::new);
                report(CANDIDATES.get(l), pooling.getKey(), x, mos);
            }
        }
        int[][] pairs = {{3, 6}, {5, 6}, {6, 8}, {1, 6}, {6, 9}};
        for (int[] pair : pairs) {
            float[][] x = statistics.stream()
                    .map(s -> concat(pooledLayer(s.layers().get(pair[0])), pooledLayer(s.layers().get(pair[1]))))
                    .toArray(float[][]::new);
            report(CANDIDATES.get(pair[0]) + "+" + CANDIDATES.get(pair[1]), "whole+crops mean+std", x, mos);
        }
    }

    private static void report(String layer, String pooling, float[][] x, double[] mos) {
        RidgeProbe.Result r = RidgeProbe.evaluate(x, mos, SPLITS, TRAIN_FRACTION, SEED, RidgeProbe.DEFAULT_LAMBDAS);
        System.out.printf(Locale.ROOT, "%-22s %-26s %.3f ± %.3f    %.3f ± %.3f   (%d features, λ %s)%n", layer,
                pooling, r.srccMean(), r.srccSd(), r.plccMean(), r.plccSd(), x[0].length,
                Arrays.toString(r.lambdas()));
    }

    /**
     * Milliseconds per decoded image for {@link MobileNetFeatures#pooled} with the default settings: the six views,
     * the network up to the feature layer (batch norm folded) and the statistics; decoding not included.
     */
    private static void measureCost(Path model, NDManager manager, Path shared, List<String[]> rows)
            throws IOException, visq.gpu.image.InvalidImageException {
        try (MobileNetFeatures features =
                MobileNetFeatures.load(model, manager, MobileNetFeatures.Settings.defaults())) {
            int n = Math.min(40, rows.size());
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                images.add(ImageDecoder.decode(shared.resolve("data/clive/images").resolve(rows.get(i)[0]),
                        ImageLimits.defaults()));
            }
            features.pooled(manager, images.get(0));
            double[] each = new double[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                features.pooled(manager, images.get(i));
                each[i] = (System.nanoTime() - start) / 1e6;
            }
            double[] sorted = each.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "feature cost: median %.1f ms, mean %.1f ms per image (6 views to %s, %d "
                    + "values, %d images, torch threads %s)%n", sorted[n / 2], Arrays.stream(each).average().orElse(0),
                    MobileNetFeatures.Settings.DEFAULT_LAYER, features.pooledSize(), n,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
        }
    }

    /** {@link MobileNetFeatures#pool} of one layer's per-view statistics. */
    private static float[] pooledLayer(float[][] s) {
        return MobileNetFeatures.pool(new MobileNetFeatures.ViewStatistics(java.util.Collections.singletonList(s)));
    }

    private static float[] averageOfViews(float[][] s) {
        float[] out = new float[s[0].length];
        for (float[] view : s) {
            for (int k = 0; k < out.length; k++) {
                out[k] += view[k] / s.length;
            }
        }
        return out;
    }

    private static float[] meansOnly(float[][] s) {
        float[] pooled = pooledLayer(s);
        int c = s[0].length / 2;
        float[] out = new float[2 * c];
        System.arraycopy(pooled, 0, out, 0, c);
        System.arraycopy(pooled, 2 * c, out, c, c);
        return out;
    }

    private static float[] concatenated(float[][] s) {
        float[] out = new float[s.length * s[0].length];
        for (int v = 0; v < s.length; v++) {
            System.arraycopy(s[v], 0, out, v * s[0].length, s[0].length);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<String[]> mosRows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(line.split(","));
            }
        }
        return rows;
    }

    private static void writeCache(Path cache, List<MobileNetFeatures.ViewStatistics> statistics) throws IOException {
        Files.createDirectories(cache.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(cache);
                DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(file))) {
            out.writeInt(statistics.size());
            for (MobileNetFeatures.ViewStatistics s : statistics) {
                out.writeInt(s.layers().size());
                for (float[][] layer : s.layers()) {
                    out.writeInt(layer.length);
                    out.writeInt(layer[0].length);
                    for (float[] view : layer) {
                        for (float v : view) {
                            out.writeFloat(v);
                        }
                    }
                }
            }
        }
    }

    private static List<MobileNetFeatures.ViewStatistics> readCache(Path cache, int expected) throws IOException {
        try (InputStream file = Files.newInputStream(cache);
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(file))) {
            int n = in.readInt();
            if (n != expected) {
                throw new IOException("cache " + cache + " holds " + n + " images, expected " + expected);
            }
            List<MobileNetFeatures.ViewStatistics> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int layers = in.readInt();
                List<float[][]> perLayer = new ArrayList<>();
                for (int l = 0; l < layers; l++) {
                    float[][] views = new float[in.readInt()][in.readInt()];
                    for (float[] view : views) {
                        for (int k = 0; k < view.length; k++) {
                            view[k] = in.readFloat();
                        }
                    }
                    perLayer.add(views);
                }
                out.add(new MobileNetFeatures.ViewStatistics(perLayer));
            }
            return out;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
