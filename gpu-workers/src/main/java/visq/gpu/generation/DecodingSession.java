package visq.gpu.generation;

/**
 * The model side of autoregressive decoding for one prompt (rows are its samples) or for several prompts of the same
 * length (row r continues prompt r): runs the prompts once, then one token per live row per step. Implementations own their device state (a {@link KvCache}) and free it on {@link #close()}.
 */
public interface DecodingSession extends AutoCloseable {

    /** Runs the prompt once, makes room for {@code rows} continuations and returns the logits of the first response
     * token: shared by every row ({@code [vocabulary]}) for one prompt, flat {@code [rows, vocabulary]} for a session
     * over {@code rows} prompts. */
    float[] start(int rows);

    /** Appends {@code tokens[r]} to live row {@code r} and returns the next logits, flat {@code [rows, vocabulary]}. */
    float[] advance(int[] tokens);

    /** Keeps only the live rows {@code rows} (ascending indices into the current rows), in that order. */
    void retainRows(int[] rows);

    @Override
    void close();
}
