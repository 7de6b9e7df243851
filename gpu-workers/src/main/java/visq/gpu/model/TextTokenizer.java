package visq.gpu.model;

/**
 * Text to token ids and back, with the special ids a policy needs. Implementations are immutable and thread-safe.
 */
public interface TextTokenizer {

    /** The ids of {@code text}, without any special token. */
    int[] encode(String text);

    /** The text of {@code ids}; special tokens (pad, bos, eos, image) render as nothing. */
    String decode(int[] ids);

    /** The end-of-sequence id: generation stops after sampling it. */
    int eosId();

    /** The padding id (never scored: rows are masked where padded). */
    int padId();

    /** The beginning-of-sequence id that precedes every response. */
    int bosId();

    /** Number of ids; every id is in {@code [0, vocabularySize())}. */
    int vocabularySize();
}
