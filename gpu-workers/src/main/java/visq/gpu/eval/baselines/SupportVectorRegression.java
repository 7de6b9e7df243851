package visq.gpu.eval.baselines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A trained support-vector regressor with an RBF kernel read from libsvm's text model format, predicting
 * {@code Σ coefᵢ · exp(-γ ‖x - svᵢ‖²) - ρ}. Immutable.
 *
 * <p>The format: header lines {@code key value...} ({@code svm_type epsilon_svr} or {@code nu_svr},
 * {@code kernel_type rbf}, {@code gamma}, {@code rho}, optionally {@code nr_class}, {@code total_sv},
 * {@code probA}), then a line {@code SV}, then one support vector a line: its coefficient followed by sparse
 * {@code index:value} pairs with 1-based indices (missing entries are zero).
 */
public final class SupportVectorRegression {

    private final double gamma;
    private final double rho;
    private final double[] coefficients;
    private final double[][] supportVectors;
    private final int dimension;

    private SupportVectorRegression(double gamma, double rho, double[] coefficients, double[][] supportVectors,
            int dimension) {
        this.gamma = gamma;
        this.rho = rho;
        this.coefficients = coefficients;
        this.supportVectors = supportVectors;
        this.dimension = dimension;
    }

    /**
     * Reads a libsvm model file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not an RBF regression model in libsvm's text format
     */
    public static SupportVectorRegression load(Path path) throws IOException {
        try {
            return parse(Files.readAllLines(path, StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the lines of a libsvm model.
     *
     * @throws IllegalArgumentException if they are not an RBF regression model in libsvm's text format
     */
    public static SupportVectorRegression parse(List<String> lines) {
        Map<String, String> header = new HashMap<>();
        int line = 0;
        while (line < lines.size() && !lines.get(line).strip().equals("SV")) {
            String text = lines.get(line).strip();
            line++;
            if (text.isEmpty()) {
                continue;
            }
            int space = text.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("header line " + line + " has no value: '" + text + "'");
            }
            header.put(text.substring(0, space), text.substring(space + 1).strip());
        }
        if (line == lines.size()) {
            throw new IllegalArgumentException("no 'SV' line: not a libsvm model");
        }
        String type = required(header, "svm_type").toLowerCase(Locale.ROOT);
        if (!type.equals("epsilon_svr") && !type.equals("nu_svr")) {
            throw new IllegalArgumentException("svm_type " + type + " is not a regression (epsilon_svr or nu_svr)");
        }
        String kernel = required(header, "kernel_type").toLowerCase(Locale.ROOT);
        if (!kernel.equals("rbf")) {
            throw new IllegalArgumentException("kernel_type " + kernel + " is not supported, only rbf");
        }
        double gamma = number(required(header, "gamma"), "gamma");
        double rho = number(required(header, "rho"), "rho");
        List<double[]> vectors = new ArrayList<>();
        List<Double> coefficients = new ArrayList<>();
        int dimension = 0;
        for (line++; line < lines.size(); line++) {
            String text = lines.get(line).strip();
            if (text.isEmpty()) {
                continue;
            }
            String[] tokens = text.split("\\s+");
            coefficients.add(number(tokens[0], "coefficient on line " + (line + 1)));
            Map<Integer, Double> entries = new HashMap<>();
            for (int t = 1; t < tokens.length; t++) {
                int colon = tokens[t].indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("line " + (line + 1) + ": expected index:value, got '"
                            + tokens[t] + "'");
                }
                int index = (int) number(tokens[t].substring(0, colon), "index on line " + (line + 1));
                if (index < 1) {
                    throw new IllegalArgumentException("line " + (line + 1) + ": index " + index + " is below 1");
                }
                entries.put(index, number(tokens[t].substring(colon + 1), "value on line " + (line + 1)));
                dimension = Math.max(dimension, index);
            }
            double[] filled = new double[entries.keySet().stream().mapToInt(Integer::intValue).max().orElse(0)];
            entries.forEach((index, value) -> filled[index - 1] = value);
            vectors.add(filled);
        }
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("the model has no support vectors");
        }
        if (header.containsKey("total_sv")) {
            int declared = (int) number(header.get("total_sv"), "total_sv");
            if (declared != vectors.size()) {
                throw new IllegalArgumentException("total_sv says " + declared + " but " + vectors.size()
                        + " support vectors follow");
            }
        }
        double[][] supportVectors = new double[vectors.size()][];
        for (int i = 0; i < supportVectors.length; i++) {
            supportVectors[i] = Arrays.copyOf(vectors.get(i), dimension);
        }
        return new SupportVectorRegression(gamma, rho,
                coefficients.stream().mapToDouble(Double::doubleValue).toArray(), supportVectors, dimension);
    }

    /** The highest feature index any support vector uses. */
    public int dimension() {
        return dimension;
    }

    /** The number of support vectors. */
    public int supportVectorCount() {
        return supportVectors.length;
    }

    /**
     * The regression value at {@code features} (already scaled as the model was trained); features beyond
     * {@link #dimension()} meet zeros in every support vector.
     *
     * @throws IllegalArgumentException if fewer than {@link #dimension()} features are given
     */
    public double predict(double[] features) {
        if (features.length < dimension) {
            throw new IllegalArgumentException("the model needs " + dimension + " features, got "
                    + features.length);
        }
        double sum = 0;
        for (int s = 0; s < supportVectors.length; s++) {
            double[] sv = supportVectors[s];
            double distance = 0;
            for (int i = 0; i < features.length; i++) {
                double d = features[i] - (i < dimension ? sv[i] : 0);
                distance += d * d;
            }
            sum += coefficients[s] * Math.exp(-gamma * distance);
        }
        return sum - rho;
    }

    private static String required(Map<String, String> header, String key) {
        String value = header.get(key);
        if (value == null) {
            throw new IllegalArgumentException("header has no '" + key + "' line");
        }
        return value;
    }

    private static double number(String text, String what) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: '" + text + "'", e);
        }
    }
}
