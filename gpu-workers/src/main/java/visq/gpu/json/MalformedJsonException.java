package visq.gpu.json;

/** Thrown by {@link FlatJsonObject#parse} when a text is not exactly one flat JSON object. */
public final class MalformedJsonException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedJsonException(String message) {
        super(message);
    }
}
