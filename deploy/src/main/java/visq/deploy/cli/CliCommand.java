package visq.deploy.cli;

/**
 * One {@code visq} command: the arguments it accepts and what it does with them. Adding a command is one class
 * implementing this and one entry in {@link visq.deploy.VisqCommand#COMMANDS}.
 */
public interface CliCommand {

    /** What the command accepts; the parser refuses anything else before {@link #run} is called. */
    CommandSpec spec();

    /**
     * Runs the command on a checked command line.
     *
     * @return the process exit status
     * @throws UsageException when the arguments are well-formed but do not fit together; the caller prints the usage
     */
    int run(CommandLine line, Terminal terminal) throws Exception;
}
