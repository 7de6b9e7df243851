package visq.deploy.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * Where a command writes and what it reads from its environment.
 *
 * @param out results and progress
 * @param err usage and errors
 * @param env the process environment ({@code VISQ_GRPC_TOKEN}, ...)
 * @param interactive whether {@code out} is a console (progress redraws one line) or a file (one line per update)
 */
public record Terminal(PrintStream out, PrintStream err, Map<String, String> env, boolean interactive) {

    public Terminal {
        env = Map.copyOf(env);
    }

    /** This process's standard streams and environment. */
    public static Terminal system() {
        return new Terminal(System.out, System.err, System.getenv(), System.console() != null);
    }
}
