package visq.deploy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A parsed, checked command line: options in the order given (a flag's value is empty), the {@code --set}
 * overrides, and the positional arguments. Values of numeric options were checked by the parser.
 */
public final class CommandLine {

    /** One option as given: its name and value. */
    public record Given(String name, String value) {}

    private final List<Given> options;
    private final Map<String, String> settings;
    private final List<String> arguments;

    CommandLine(List<Given> options, Map<String, String> settings, List<String> arguments) {
        this.options = List.copyOf(options);
        this.settings = new LinkedHashMap<>(settings);
        this.arguments = List.copyOf(arguments);
    }

    /** Every option in the order given. */
    public List<Given> options() {
        return options;
    }

    /** The {@code --set key=value} overrides in the order given (a later one for the same key wins). */
    public Map<String, String> settings() {
        return new LinkedHashMap<>(settings);
    }

    public List<String> arguments() {
        return arguments;
    }

    public boolean has(String name) {
        return options.stream().anyMatch(o -> o.name().equals(name));
    }

    /** The last value of option {@code name}, or {@code fallback}. */
    public String value(String name, String fallback) {
        String value = fallback;
        for (Given option : options) {
            if (option.name().equals(name)) {
                value = option.value();
            }
        }
        return value;
    }

    public int intValue(String name, int fallback) {
        return has(name) ? Math.toIntExact(Long.parseLong(value(name, ""))) : fallback;
    }

    public double doubleValue(String name, double fallback) {
        return has(name) ? Double.parseDouble(value(name, "")) : fallback;
    }

    /** The last value of option {@code name} as a path, or {@code fallback}'s (asked only when it is not given). */
    public Path pathValue(String name, Supplier<Path> fallback) {
        return has(name) ? Path.of(value(name, "")) : fallback.get();
    }

    /** Every value of a repeatable option, in order. */
    public List<String> values(String name) {
        List<String> values = new ArrayList<>();
        for (Given option : options) {
            if (option.name().equals(name)) {
                values.add(option.value());
            }
        }
        return values;
    }
}
