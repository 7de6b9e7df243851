package visq.gpu.data;

/** A catalogued sample whose image could not be read or decoded; the message names the sample and file. */
public final class SampleUnreadableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SampleUnreadableException(IqaSample sample, Throwable cause) {
        super("sample " + sample.id() + " (" + sample.image() + ") is unreadable: " + cause.getMessage(), cause);
    }
}
