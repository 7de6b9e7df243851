package visq.deploy.cli;

/** A command line a command cannot accept; the message names the argument and what is wrong with it. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
