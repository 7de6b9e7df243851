package visq.gpu.eval.baselines;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.SharedData;
import visq.gpu.image.InvalidImageException;

/**
 * The shared calibration material: five TID2013 pairs and {@code expected.csv}, the IQA-PyTorch toolbox's
 * calibration table, in the shared data folder {@link SharedData} finds.
 */
final class CalibrationData {

    /** The five calibration images, by file stem. */
    static final List<String> IMAGES = List.of("I03", "I04", "I06", "I08", "I19");

    private static final Map<String, BufferedImage> CACHE = new HashMap<>();

    private CalibrationData() {}

    /** The shared {@code data} folder. */
    static Path data() {
        return SharedData.data();
    }

    /** The shared {@code data/params} folder. */
    static Path parameters() {
        return data().resolve("params");
    }

    /** The expected value of {@code metric} (a row of expected.csv) for {@code image} (e.g. "I03"). */
    static double expected(String metric, String image) {
        Path csv = data().resolve("calibration").resolve("expected.csv");
        try {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).strip().split(","));
            int column = header.indexOf(image + ".bmp");
            if (column < 0) {
                throw new IllegalStateException(csv + " has no column " + image + ".bmp");
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.strip().split(",");
                if (cells[0].equals(metric)) {
                    return Double.parseDouble(cells[column]);
                }
            }
            throw new IllegalStateException(csv + " has no row " + metric);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference image of a pair. */
    static synchronized BufferedImage reference(String image) {
        return load("ref/" + image + ".bmp");
    }

    /** The distorted image of a pair. */
    static synchronized BufferedImage distorted(String image) {
        return load("dist/" + image + ".bmp");
    }

    private static BufferedImage load(String relative) {
        return CACHE.computeIfAbsent(relative, r -> {
            try {
                return ImageDecoder.decode(data().resolve("calibration").resolve(r), ImageLimits.defaults());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InvalidImageException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
