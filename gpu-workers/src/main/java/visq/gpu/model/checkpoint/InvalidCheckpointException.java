package visq.gpu.model.checkpoint;

/**
 * A checkpoint directory that cannot be used as it is: a missing or corrupt file, a tensor missing, extra or of
 * the wrong shape, a configuration Visq does not support. The message names the file and the tensor or field.
 */
public class InvalidCheckpointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
