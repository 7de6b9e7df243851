package visq.deploy.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses a command's arguments against its {@link CommandSpec}: {@code --name value} or {@code --name=value},
 * flags, repeatable {@code --set key=value}, positionals, and {@code --} before positionals that start with a dash.
 * Refuses, naming the argument: an unknown option, a missing or ill-typed value, a flag given a value, a
 * non-repeatable option given twice, a malformed or unknown {@code --set}, too many or too few positionals.
 */
public final class CommandParser {
    private final Config reference;

    /** @param reference the configuration {@code --set} keys under {@code visq.} are checked against */
    public CommandParser(Config reference) {
        this.reference = reference;
    }

    public CommandLine parse(CommandSpec spec, List<String> args) throws UsageException {
        List<CommandLine.Given> options = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> arguments = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean positionalOnly = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (positionalOnly || !isOption(arg)) {
                arguments.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                positionalOnly = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            Optional<String> inlineValue = eq > 0 ? Optional.of(arg.substring(eq + 1)) : Optional.empty();
            if (name.equals("--set") && spec.takesSettings()) {
                String assignment = inlineValue.isPresent() ? inlineValue.get() : nextValue(args, i++, name);
                String[] keyValue = SettingOverride.parse(assignment, reference);
                settings.put(keyValue[0], keyValue[1]);
                continue;
            }
            OptionSpec option = spec.option(name).orElseThrow(() -> new UsageException(
                    "unknown option '" + name + "'" + (name.startsWith("--") ? "" : " (options start with --)")));
            if (!option.repeatable() && !seen.add(name)) {
                throw new UsageException("option " + name + " is given twice");
            }
            if (!option.takesValue()) {
                if (inlineValue.isPresent()) {
                    throw new UsageException("option " + name + " takes no value, got '" + arg + "'");
                }
                options.add(new CommandLine.Given(name, ""));
                continue;
            }
            String value = inlineValue.isPresent() ? inlineValue.get() : nextValue(args, i++, name);
            String problem = option.problemWith(value);
            if (problem != null) {
                throw new UsageException(problem);
            }
            options.add(new CommandLine.Given(name, value));
        }
        if (arguments.size() > spec.maxArguments()) {
            throw new UsageException(spec.maxArguments() == 0
                    ? "unexpected argument '" + arguments.get(0) + "' (visq " + spec.name() + " takes none)"
                    : "unexpected argument '" + arguments.get(spec.maxArguments()) + "' (at most "
                            + spec.maxArguments() + " " + spec.argumentName() + ")");
        }
        if (arguments.size() < spec.minArguments()) {
            throw new UsageException("missing " + spec.argumentName());
        }
        return new CommandLine(options, settings, arguments);
    }

    /** Whether {@code arg} names an option: it starts with a dash and is not a negative number. */
    private static boolean isOption(String arg) {
        return arg.startsWith("-") && arg.length() > 1 && !isNumber(arg);
    }

    private static String nextValue(List<String> args, int at, String name) throws UsageException {
        if (at + 1 >= args.size() || isOption(args.get(at + 1))) {
            throw new UsageException("option " + name + " needs a value");
        }
        return args.get(at + 1);
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
