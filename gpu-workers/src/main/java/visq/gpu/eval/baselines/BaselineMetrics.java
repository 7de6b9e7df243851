package visq.gpu.eval.baselines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Selects the classic baselines by name, so evaluation and the scoring service can be configured with strings:
 * full-reference {@value Psnr#NAME} and {@value Ssim#NAME}, no-reference {@value Niqe#NAME} and
 * {@value Brisque#NAME}. The no-reference metrics read their trained parameters from a folder holding
 * {@code niqe_mu.csv}, {@code niqe_cov.csv}, {@code brisque_model.libsvm} and {@code brisque_range.txt} (the
 * shared {@code data/params}). Names are matched ignoring case and surrounding blanks. Immutable.
 */
public final class BaselineMetrics {

    /** The names {@link #noReference} accepts. */
    public static final List<String> NO_REFERENCE = List.of(Niqe.NAME, Brisque.NAME);
    /** The names {@link #fullReference} accepts. */
    public static final List<String> FULL_REFERENCE = List.of(Psnr.NAME, Ssim.NAME);

    private final Path parameters;

    private BaselineMetrics(Path parameters) {
        this.parameters = parameters;
    }

    /** Baselines whose no-reference models are read from {@code parametersFolder} when first asked for. */
    public static BaselineMetrics withParameters(Path parametersFolder) {
        return new BaselineMetrics(parametersFolder);
    }

    /** The full-reference metric called {@code name}; needs no parameter files. */
    public static FullReferenceMetric fullReference(String name) {
        String key = normalise(name);
        if (key.equals(Psnr.NAME)) {
            return new Psnr();
        }
        if (key.equals(Ssim.NAME)) {
            return new Ssim();
        }
        throw new IllegalArgumentException("unknown full-reference metric '" + name + "'; known: "
                + String.join(", ", FULL_REFERENCE));
    }

    /**
     * The no-reference metric called {@code name}, its model read from the parameters folder on each call (keep
     * the returned metric rather than asking again).
     *
     * @throws IllegalArgumentException if the name is unknown or a parameter file is malformed
     * @throws UncheckedIOException if a parameter file cannot be read
     */
    public NoReferenceMetric noReference(String name) {
        String key = normalise(name);
        try {
            if (key.equals(Niqe.NAME)) {
                return Niqe.load(parameters.resolve("niqe_mu.csv"), parameters.resolve("niqe_cov.csv"));
            }
            if (key.equals(Brisque.NAME)) {
                return Brisque.load(parameters.resolve("brisque_model.libsvm"),
                        parameters.resolve("brisque_range.txt"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + key + " parameters under " + parameters, e);
        }
        throw new IllegalArgumentException("unknown no-reference metric '" + name + "'; known: "
                + String.join(", ", NO_REFERENCE));
    }

    private static String normalise(String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    }
}
