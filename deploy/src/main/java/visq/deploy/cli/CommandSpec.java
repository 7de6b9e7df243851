package visq.deploy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@code visq} command accepts: its options, whether it takes {@code --set key=value}, and how many
 * positional arguments (named {@code argumentName} in the usage). The parser refuses everything else.
 *
 * @param name the command word
 * @param summary one line on what the command does
 * @param options the options it accepts
 * @param takesSettings whether {@code --set key=value} (repeatable) is accepted
 * @param argumentName the positional arguments in the usage line ({@code IMAGE|DIR...}); empty when none
 * @param minArguments the fewest positional arguments
 * @param maxArguments the most positional arguments
 * @param notes further usage lines (what options mean, examples)
 */
public record CommandSpec(String name, String summary, List<OptionSpec> options, boolean takesSettings,
        String argumentName, int minArguments, int maxArguments, List<String> notes) {

    public CommandSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        options = List.copyOf(options);
        notes = List.copyOf(notes);
        if (minArguments < 0 || maxArguments < minArguments) {
            throw new IllegalArgumentException("positional bounds " + minArguments + ".." + maxArguments);
        }
    }

    /** A command with no positional arguments. */
    public static CommandSpec of(String name, String summary, boolean takesSettings, List<OptionSpec> options,
            String... notes) {
        return new CommandSpec(name, summary, options, takesSettings, "", 0, 0, List.of(notes));
    }

    /** The same command taking between {@code min} and {@code max} positional arguments shown as {@code argName}. */
    public CommandSpec withArguments(String argName, int min, int max) {
        return new CommandSpec(name, summary, options, takesSettings, argName, min, max, notes);
    }

    public Optional<OptionSpec> option(String optionName) {
        return options.stream().filter(o -> o.name().equals(optionName)).findFirst();
    }

    /** The usage text: synopsis, summary, and the notes. */
    public String usage() {
        StringBuilder synopsis = new StringBuilder("usage: visq ").append(name);
        for (OptionSpec option : options) {
            synopsis.append(" [").append(option.name());
            if (option.takesValue()) {
                synopsis.append(' ').append(option.valueName());
            }
            synopsis.append(']');
            if (option.repeatable()) {
                synopsis.append("...");
            }
        }
        if (takesSettings) {
            synopsis.append(" [--set key=value]...");
        }
        if (!argumentName.isEmpty()) {
            synopsis.append(' ').append(minArguments == 0 ? "[" + argumentName + "]" : argumentName);
        }
        List<String> lines = new ArrayList<>();
        lines.add(synopsis.toString());
        lines.add("  " + summary);
        for (String note : notes) {
            lines.add("  " + note);
        }
        return String.join("\n", lines);
    }
}
