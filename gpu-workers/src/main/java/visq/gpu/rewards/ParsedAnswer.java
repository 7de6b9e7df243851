package visq.gpu.rewards;

import java.util.OptionalDouble;

/**
 * What was read from a response's answer block: a score, a degradation or a comparison, each of which may be
 * unparsable. A reward carries the answer it was computed from, so nothing downstream parses a response again.
 */
public sealed interface ParsedAnswer permits ParsedScore, ParsedDegradation, ParsedComparison {

    /** The quality score this answer gives; empty for other kinds of answer and for an unparsable score. */
    default OptionalDouble score() {
        return OptionalDouble.empty();
    }
}
