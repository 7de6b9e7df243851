package visq.gpu.eval.baselines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Linear per-feature scaling as libsvm's {@code svm-scale} writes it to a range file: a line {@code x}, a line
 * {@code lower upper} with the target interval, then {@code index min max} lines (1-based). Feature {@code i}
 * maps {@code min → lower} and {@code max → upper} without clipping; a feature whose min equals its max becomes
 * zero, as {@code svm-scale} drops it. Immutable.
 */
public final class FeatureScaling {

    private final double lower;
    private final double upper;
    private final double[] minimum;
    private final double[] maximum;

    private FeatureScaling(double lower, double upper, double[] minimum, double[] maximum) {
        this.lower = lower;
        this.upper = upper;
        this.minimum = minimum;
        this.maximum = maximum;
    }

    /**
     * Reads a range file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not in the {@code svm-scale} range format
     */
    public static FeatureScaling load(Path path) throws IOException {
        try {
            return parse(Files.readAllLines(path, StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the lines of a range file; indices must run 1, 2, 3, ... without gaps.
     *
     * @throws IllegalArgumentException if they are not in the {@code svm-scale} range format
     */
    public static FeatureScaling parse(List<String> lines) {
        List<String> content = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                content.add(line.strip());
            }
        }
        if (content.size() < 2 || !content.get(0).equals("x")) {
            throw new IllegalArgumentException("a range file starts with a line 'x' and a line 'lower upper'");
        }
        double[] bounds = numbers(content.get(1), 2);
        int count = content.size() - 2;
        double[] minimum = new double[count];
        double[] maximum = new double[count];
        for (int i = 0; i < count; i++) {
            double[] entry = numbers(content.get(i + 2), 3);
            if (entry[0] != i + 1) {
                throw new IllegalArgumentException("expected feature index " + (i + 1) + ", got '"
                        + content.get(i + 2) + "'");
            }
            minimum[i] = entry[1];
            maximum[i] = entry[2];
        }
        return new FeatureScaling(bounds[0], bounds[1], minimum, maximum);
    }

    /** The number of features the file describes. */
    public int dimension() {
        return minimum.length;
    }

    /**
     * The scaled copy of {@code features}.
     *
     * @throws IllegalArgumentException if the count differs from {@link #dimension()}
     */
    public double[] scale(double[] features) {
        if (features.length != minimum.length) {
            throw new IllegalArgumentException("scaling covers " + minimum.length + " features, got "
                    + features.length);
        }
        double[] out = new double[features.length];
        for (int i = 0; i < features.length; i++) {
            double span = maximum[i] - minimum[i];
            out[i] = span == 0 ? 0 : lower + (upper - lower) * (features[i] - minimum[i]) / span;
        }
        return out;
    }

    private static double[] numbers(String line, int expected) {
        String[] tokens = line.split("\\s+");
        if (tokens.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " numbers, got '" + line + "'");
        }
        double[] out = new double[expected];
        for (int i = 0; i < expected; i++) {
            try {
                out[i] = Double.parseDouble(tokens[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number in '" + line + "'", e);
            }
        }
        return out;
    }
}
