package visq.deploy.cli;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One option a command accepts: a bare flag ({@code --exit-when-done}) or an option with a value
 * ({@code --port 8080}), of a kind the parser checks (text, whole number, number, one of a few words), given at most
 * once or repeatedly.
 *
 * @param name the option, with its leading dashes
 * @param valueName what the value is, for the usage line ({@code N}, {@code DIR}); empty for a flag
 * @param kind how the value is checked
 * @param choices the accepted words of a {@link Kind#CHOICE}
 * @param repeatable whether the option may be given more than once
 */
public record OptionSpec(String name, String valueName, Kind kind, List<String> choices, boolean repeatable) {

    /** How an option's value is checked. */
    public enum Kind { FLAG, TEXT, INTEGER, NUMBER, CHOICE }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        if (!name.startsWith("--")) {
            throw new IllegalArgumentException("an option starts with --, got " + name);
        }
        choices = List.copyOf(choices);
    }

    public static OptionSpec flag(String name) {
        return new OptionSpec(name, "", Kind.FLAG, List.of(), false);
    }

    public static OptionSpec text(String name, String valueName) {
        return new OptionSpec(name, valueName, Kind.TEXT, List.of(), false);
    }

    public static OptionSpec integer(String name, String valueName) {
        return new OptionSpec(name, valueName, Kind.INTEGER, List.of(), false);
    }

    public static OptionSpec number(String name, String valueName) {
        return new OptionSpec(name, valueName, Kind.NUMBER, List.of(), false);
    }

    public static OptionSpec choice(String name, String... choices) {
        return new OptionSpec(name, String.join("|", choices), Kind.CHOICE, List.of(choices), false);
    }

    /** The same option, accepted more than once. */
    public OptionSpec asRepeatable() {
        return new OptionSpec(name, valueName, kind, choices, true);
    }

    public boolean takesValue() {
        return kind != Kind.FLAG;
    }

    /** Why {@code value} is not acceptable for this option, or null when it is. */
    String problemWith(String value) {
        switch (kind) {
            case INTEGER:
                try {
                    Long.parseLong(value);
                    return null;
                } catch (NumberFormatException e) {
                    return "option " + name + " expects a whole number, got '" + value + "'";
                }
            case NUMBER:
                try {
                    double number = Double.parseDouble(value);
                    return Double.isFinite(number) ? null
                            : "option " + name + " expects a finite number, got '" + value + "'";
                } catch (NumberFormatException e) {
                    return "option " + name + " expects a number, got '" + value + "'";
                }
            case CHOICE:
                return choices.contains(value.toLowerCase(Locale.ROOT)) ? null
                        : "option " + name + " expects one of " + String.join(", ", choices) + ", got '" + value + "'";
            default:
                return null;
        }
    }
}
