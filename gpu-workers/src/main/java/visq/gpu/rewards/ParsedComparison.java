package visq.gpu.rewards;

import java.util.Optional;

/** A comparison answer read from a response, or why none could be read. */
public sealed interface ParsedComparison extends ParsedAnswer permits ParsedComparison.Choice, ParsedComparison.Unparsable {

    /** The preference, empty when unparsable. */
    Optional<Preference> preference();

    /** The answer named one preference. */
    record Choice(Preference choice) implements ParsedComparison {
        @Override
        public Optional<Preference> preference() {
            return Optional.of(choice);
        }
    }

    /** No preference could be read; {@code reason} says why. */
    record Unparsable(String reason) implements ParsedComparison {
        @Override
        public Optional<Preference> preference() {
            return Optional.empty();
        }
    }
}
