package visq.gpu.eval;

/**
 * A correlation that has no value for its inputs because one of them is constant (zero variance). A subtype of
 * {@link IllegalArgumentException} so that callers may record the correlation as undefined instead of failing.
 */
public final class UndefinedCorrelationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UndefinedCorrelationException(String message) {
        super(message);
    }
}
