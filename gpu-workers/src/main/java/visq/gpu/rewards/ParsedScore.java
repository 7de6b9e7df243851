package visq.gpu.rewards;

import java.util.OptionalDouble;

/** A quality score read from an answer, or why none could be read. */
public sealed interface ParsedScore extends ParsedAnswer permits ParsedScore.Score, ParsedScore.Unparsable {

    /** The score, or NaN when the answer was unparsable. */
    double valueOrNaN();

    boolean isParsed();

    @Override
    default OptionalDouble score() {
        return isParsed() ? OptionalDouble.of(valueOrNaN()) : OptionalDouble.empty();
    }

    /** A score read from the answer. */
    record Score(double value) implements ParsedScore {
        @Override
        public double valueOrNaN() {
            return value;
        }

        @Override
        public boolean isParsed() {
            return true;
        }
    }

    /** No score could be read; {@code reason} says why. */
    record Unparsable(String reason) implements ParsedScore {
        @Override
        public double valueOrNaN() {
            return Double.NaN;
        }

        @Override
        public boolean isParsed() {
            return false;
        }
    }
}
