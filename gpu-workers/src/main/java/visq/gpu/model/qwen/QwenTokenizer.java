package visq.gpu.model.qwen;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import visq.gpu.model.TextTokenizer;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * Qwen's byte-level BPE tokenizer, run by Hugging Face's Rust tokenizers through
 * {@code ai.djl.huggingface:tokenizers} from a checkpoint's tokenizer.json, fully offline.
 *
 * <p>Offline: the native library is the CPU build the 0.32.0 jar carries for linux-x86_64; before the library is
 * first loaded, {@code RUST_FLAVOR=cpu} is set (unless the environment or a system property already sets it) so
 * that on a GPU host DJL does not go looking for a CUDA build to download, and {@code OPT_OUT_TRACKING=true}
 * (unless set) so that creating a tokenizer never calls DJL's usage-tracking endpoint. Nothing is fetched: the
 * tokenizer comes from the file, never from a hub name.
 *
 * <p>Ids: {@link #eosId()} is {@code <|im_end|>}, which ends every chat turn and so every response;
 * {@link #padId()} is {@code <|endoftext|>}, Qwen's padding token; {@link #bosId()} is {@code <|im_start|>}. Qwen has
 * no beginning-of-sequence token of its own: a response is preceded by the chat template's generation prompt
 * ({@code <|im_start|>assistant\n}, see {@link QwenChatTemplate}), which already ends every prompt, so
 * {@code <|im_start|>} is the id that opens the turn a response belongs to; callers must not insert it again.
 * {@link #encode} adds no special token (special tokens written in the text are still recognised, as in
 * transformers); {@link #decode} skips special tokens.
 *
 * <p>Thread-safe: the Rust tokenizer is immutable once loaded and encodes and decodes with shared references.
 * {@link #close()} frees the native tokenizer; it must not be used afterwards.
 */
public final class QwenTokenizer implements TextTokenizer, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final QwenTokenizerVocabulary vocabulary;
    private final QwenSpecialTokens specialTokens;

    private QwenTokenizer(HuggingFaceTokenizer tokenizer, QwenTokenizerVocabulary vocabulary,
            QwenSpecialTokens specialTokens) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.specialTokens = specialTokens;
    }

    /**
     * Loads tokenizer.json at {@code path} (the file, or a directory holding it).
     *
     * @throws InvalidCheckpointException when the file is missing, malformed, or lacks Qwen's special tokens
     */
    public static QwenTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(QwenCheckpoint.TOKENIZER_FILE) : path;
        QwenTokenizerVocabulary vocabulary = QwenTokenizerVocabulary.read(file);
        QwenSpecialTokens specialTokens = QwenSpecialTokens.of(vocabulary);
        keepNativeLibraryOffline();
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new QwenTokenizer(tokenizer, vocabulary, specialTokens);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + file, e);
        } catch (RuntimeException e) {
            throw new InvalidCheckpointException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads the tokenizer of {@code checkpoint}, whose special-token ids it has already checked. */
    public static QwenTokenizer load(QwenCheckpoint checkpoint) {
        return load(checkpoint.tokenizerFile());
    }

    private static synchronized void keepNativeLibraryOffline() {
        setUnlessConfigured("RUST_FLAVOR", "cpu");
        setUnlessConfigured("OPT_OUT_TRACKING", "true");
    }

    private static void setUnlessConfigured(String key, String value) {
        if (System.getenv(key) == null && System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The ids of Qwen's special tokens in this vocabulary. */
    public QwenSpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text, false, false).getIds());
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /** The text of {@code ids}, with special tokens written out unless {@code skipSpecialTokens}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i + " is negative");
            }
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, skipSpecialTokens);
    }

    /** {@code <|im_end|>}. */
    @Override
    public int eosId() {
        return specialTokens.imEndId();
    }

    /** {@code <|endoftext|>}. */
    @Override
    public int padId() {
        return specialTokens.endOfTextId();
    }

    /** {@code <|im_start|>}; see the class comment. */
    @Override
    public int bosId() {
        return specialTokens.imStartId();
    }

    /** One past the largest id of tokenizer.json (the model's vocab_size may be larger). */
    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    private static int[] toInts(long[] ids) {
        int[] narrow = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            narrow[i] = Math.toIntExact(ids[i]);
        }
        return narrow;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
