package visq.deploy.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.InvalidImageException;
import visq.gpu.image.features.ImageViews;
import visq.gpu.image.features.MobileNetFeatures;
import visq.gpu.image.features.MobileNetImagePreparation;
import visq.gpu.model.CompactModelConfig;

/**
 * The serving cost of preparing one image for the compact policy ({@code visq bench --only preparation}): the
 * default preparation (two 48-px views and the natural-scene statistics) against the same with the frozen
 * MobileNetV2 features, and with the degradation estimates too, on the same decoded CLIVE photos in one run, features
 * computed every time (no store).
 */
public final class PreparationBench {

    private final Path sharedDirectory;
    private final PrintStream out;
    private final BenchSummary summary;

    public PreparationBench(Path sharedDirectory, PrintStream out, BenchSummary summary) {
        this.sharedDirectory = sharedDirectory;
        this.out = out;
        this.summary = summary;
    }

    /** Times {@code images} CLIVE photos, each prepared {@code repetitions} times per preparation. */
    public void run(int images, int repetitions) throws IOException, InvalidImageException {
        List<BufferedImage> decoded = new ArrayList<>();
        try (Stream<Path> files = Files.list(sharedDirectory.resolve("data/clive/images"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".png")).sorted().limit(images).toList()) {
                decoded.add(ImageDecoder.decode(file, ImageLimits.defaults()));
            }
        }
        CompactModelConfig base = CompactModelConfig.compactDefault();
        ImagePreparation statistics = base.withImageStatistics(ImageStatistics.COUNT).imagePreparation();
        ImagePreparation features = base.withImageFeatures(CompactModelConfig.MOBILENET_FEATURES,
                ImageStatistics.COUNT).imagePreparation();
        ImagePreparation estimates = base.withImageFeatures(CompactModelConfig.MOBILENET_AND_ESTIMATES_FEATURES,
                ImageStatistics.COUNT).imagePreparation();
        features.preprocess(decoded.get(0));
        estimates.preprocess(decoded.get(0));
        double statisticsMillis = medianMillis(statistics, decoded, repetitions);
        double featuresMillis = medianMillis(features, decoded, repetitions);
        double estimatesMillis = medianMillis(estimates, decoded, repetitions);
        out.printf(Locale.ROOT, "image preparation (median of %d CLIVE photos x %d, one thread, decoding excluded): "
                + "statistics %.1f ms, with MobileNetV2 features %.1f ms per image (%.1fx), with the degradation "
                + "estimates too %.1f ms (%.1fx)%n", decoded.size(), repetitions, statisticsMillis, featuresMillis,
                featuresMillis / statisticsMillis, estimatesMillis, estimatesMillis / statisticsMillis);
        viewsPerForward(decoded, repetitions);
    }

    /**
     * The MobileNetV2 features alone with the six views of an image in one forward pass against one view per pass
     * (the default), interleaved image by image so both see the same machine.
     */
    private void viewsPerForward(List<BufferedImage> images, int repetitions) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                MobileNetFeatures perView = MobileNetFeatures.load(MobileNetImagePreparation.sharedModel(), manager,
                        MobileNetFeatures.Settings.defaults());
                MobileNetFeatures batched = perView.withViewsPerForward(ImageViews.COUNT)) {
            List<Double> oneAtATime = new ArrayList<>();
            List<Double> allSix = new ArrayList<>();
            perView.pooled(manager, images.get(0));
            batched.pooled(manager, images.get(0));
            for (int r = 0; r < repetitions; r++) {
                for (BufferedImage image : images) {
                    allSix.add(millis(() -> batched.pooled(manager, image)));
                    oneAtATime.add(millis(() -> perView.pooled(manager, image)));
                }
            }
            double perViewMillis = Median.of(oneAtATime);
            double batchedMillis = Median.of(allSix);
            summary.record(BenchSummary.Key.FEATURES_PER_VIEW_SPEEDUP, batchedMillis / perViewMillis);
            out.printf(Locale.ROOT, "MobileNetV2 features alone (same photos, one thread): six views in one forward "
                    + "pass %.1f ms, one view per pass %.1f ms per image (%.2fx faster)%n", batchedMillis,
                    perViewMillis, batchedMillis / perViewMillis);
        }
    }

    private static double millis(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double medianMillis(ImagePreparation preparation, List<BufferedImage> images, int repetitions) {
        List<Double> millis = new ArrayList<>();
        for (int r = 0; r < repetitions; r++) {
            for (BufferedImage image : images) {
                long start = System.nanoTime();
                preparation.preprocess(image);
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        return Median.of(millis);
    }
}
