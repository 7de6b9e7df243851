package visq.deploy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import visq.deploy.cli.BenchCommand;
import visq.deploy.cli.CliCommand;
import visq.deploy.cli.CommandLine;
import visq.deploy.cli.CommandParser;
import visq.deploy.cli.EvalCommand;
import visq.deploy.cli.ExportAdapterCommand;
import visq.deploy.cli.NodeCommand;
import visq.deploy.cli.ScoreCommand;
import visq.deploy.cli.ServeCommand;
import visq.deploy.cli.StatusCommand;
import visq.deploy.cli.Terminal;
import visq.deploy.cli.TrainCommand;
import visq.deploy.cli.UsageException;

/**
 * {@code visq <command>}: finds the command, checks its arguments against what it declares (an unknown command or
 * option, a missing or ill-typed value, a malformed or unknown {@code --set} is refused with the usage and exit
 * status 2), and runs it. A command that fails on its input (a bad dataset, a setting of the wrong type) prints the
 * problem and exits with status 1.
 */
public final class VisqCommand {
    /** Every command, in the order the usage lists them. */
    public static final List<CliCommand> COMMANDS = List.of(new TrainCommand(), new ServeCommand(), new NodeCommand(),
            new ScoreCommand(), new StatusCommand(), new EvalCommand(), new BenchCommand(), new ExportAdapterCommand());
    static final int USAGE_ERROR = 2;
    static final int FAILED = 1;

    private VisqCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(List.of(args), Terminal.system()));
    }

    /** Runs {@code args} ({@code <command> [arguments]}) and returns the exit status. */
    public static int run(List<String> args, Terminal terminal) throws Exception {
        if (args.isEmpty()) {
            terminal.err().println(overview());
            return USAGE_ERROR;
        }
        String name = args.get(0);
        if (name.equals("help") || name.equals("--help") || name.equals("-h")) {
            if (args.size() > 1) {
                Optional<CliCommand> command = find(args.get(1));
                if (command.isPresent()) {
                    terminal.out().println(command.get().spec().usage());
                    return 0;
                }
                terminal.err().println("visq: unknown command '" + args.get(1) + "'\n" + overview());
                return USAGE_ERROR;
            }
            terminal.out().println(overview());
            return 0;
        }
        Optional<CliCommand> found = find(name);
        if (found.isEmpty()) {
            terminal.err().println("visq: unknown command '" + name + "'\n" + overview());
            return USAGE_ERROR;
        }
        CliCommand command = found.get();
        List<String> rest = args.subList(1, args.size());
        int end = rest.indexOf("--");
        List<String> optionPart = end < 0 ? rest : rest.subList(0, end);
        if (optionPart.contains("--help") || optionPart.contains("-h")) {
            terminal.out().println(command.spec().usage());
            return 0;
        }
        try {
            CommandLine line = new CommandParser(ConfigFactory.defaultReference()).parse(command.spec(), rest);
            return command.run(line, terminal);
        } catch (UsageException e) {
            terminal.err().println("visq " + name + ": " + e.getMessage() + "\n" + command.spec().usage());
            return USAGE_ERROR;
        } catch (ConfigException | IllegalArgumentException e) {
            terminal.err().println("visq " + name + ": " + e.getMessage());
            return FAILED;
        }
    }

    private static Optional<CliCommand> find(String name) {
        return COMMANDS.stream().filter(c -> c.spec().name().equals(name)).findFirst();
    }

    /** The list of commands with one line each. */
    static String overview() {
        StringBuilder text = new StringBuilder("usage: visq <command> [options]\n");
        int width = COMMANDS.stream().mapToInt(c -> c.spec().name().length()).max().orElse(0);
        for (CliCommand command : COMMANDS) {
            text.append(String.format("  %-" + width + "s  %s%n", command.spec().name(), command.spec().summary()));
        }
        return text.append("visq <command> --help shows a command's options").toString();
    }
}
