package visq.gpu.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong with a dataset, where it is: the file and, when known, the 1-based line.
 *
 * @param file the labels file (or images folder, or configuration) the problem is in
 * @param line the line of {@code file}, or 0 when the problem belongs to the file as a whole
 * @param message what is wrong
 * @param kind whether the entry is otherwise usable but its image is missing (evaluation reports such an image as a
 *     row with its problem), or the dataset is invalid as declared
 */
public record DatasetProblem(Path file, int line, String message, Kind kind) {

    /** How serious a problem is outside training (training refuses any problem). */
    public enum Kind { INVALID, MISSING_IMAGE }

    public DatasetProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(kind, "kind");
    }

    static DatasetProblem at(Path file, int line, String message) {
        return new DatasetProblem(file, line, message, Kind.INVALID);
    }

    static DatasetProblem of(Path file, String message) {
        return new DatasetProblem(file, 0, message, Kind.INVALID);
    }

    /** {@code file line N: message}, or {@code file: message}. */
    @Override
    public String toString() {
        return file + (line > 0 ? " line " + line : "") + ": " + message;
    }
}
