package visq.gpu.image;

import java.util.Objects;

/** Encoded bytes that {@link ImageDecoder} refused, with the kind of problem and a message naming it. */
public final class InvalidImageException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes, in the order the decoder checks. */
    public enum Problem {
        /** No bytes at all. */
        EMPTY,
        /** More encoded bytes than {@link ImageLimits#maxEncodedBytes()}. */
        TOO_MANY_BYTES,
        /** Not PNG, JPEG or BMP by magic bytes. */
        UNKNOWN_FORMAT,
        /** The header declares a width or height of zero. */
        ZERO_SIZE,
        /** A side is shorter than {@link ImageLimits#minSide()}. */
        TOO_SMALL,
        /** The header declares more pixels than {@link ImageLimits#maxPixels()}. */
        TOO_MANY_PIXELS,
        /** Truncated or corrupt data, or a variant of the format the decoder cannot read. */
        CORRUPT
    }

    private final Problem problem;

    public InvalidImageException(Problem problem, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public InvalidImageException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public Problem problem() {
        return problem;
    }
}
