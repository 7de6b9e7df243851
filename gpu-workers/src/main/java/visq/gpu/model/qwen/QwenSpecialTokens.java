package visq.gpu.model.qwen;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * The ids of Qwen's special tokens in one checkpoint. The four vision ids come from config.json
 * ({@code image_token_id}, {@code video_token_id}, {@code vision_start_token_id}, {@code vision_end_token_id}) and
 * must agree with tokenizer.json's ids for the same tokens; the chat-markup ids come from tokenizer.json.
 *
 * @param imageTokenId {@code <|image_pad|>}: one per merged image patch
 * @param videoTokenId {@code <|video_pad|>}
 * @param visionStartTokenId {@code <|vision_start|>}: opens an image
 * @param visionEndTokenId {@code <|vision_end|>}: closes an image
 * @param imStartId {@code <|im_start|>}: opens a chat turn
 * @param imEndId {@code <|im_end|>}: closes a chat turn (the end of a response)
 * @param endOfTextId {@code <|endoftext|>}: padding
 */
public record QwenSpecialTokens(
        int imageTokenId,
        int videoTokenId,
        int visionStartTokenId,
        int visionEndTokenId,
        int imStartId,
        int imEndId,
        int endOfTextId) {

    public static final String IMAGE_PAD = "<|image_pad|>";
    public static final String VIDEO_PAD = "<|video_pad|>";
    public static final String VISION_START = "<|vision_start|>";
    public static final String VISION_END = "<|vision_end|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String END_OF_TEXT = "<|endoftext|>";

    /** The special tokens of {@code vocabulary} alone (no config.json to cross-check). */
    public static QwenSpecialTokens of(QwenTokenizerVocabulary vocabulary) {
        return resolve(Map.of(), "", vocabulary);
    }

    /**
     * The special tokens given the config.json fields {@code configIds} (from {@code configSource}) and the
     * tokenizer's vocabulary: a field config.json lacks takes the tokenizer's id.
     *
     * @throws InvalidCheckpointException when the tokenizer lacks a token or disagrees with config.json
     */
    public static QwenSpecialTokens resolve(Map<String, Integer> configIds, String configSource,
            QwenTokenizerVocabulary vocabulary) {
        return new QwenSpecialTokens(
                vision(configIds, "image_token_id", IMAGE_PAD, configSource, vocabulary),
                vision(configIds, "video_token_id", VIDEO_PAD, configSource, vocabulary),
                vision(configIds, "vision_start_token_id", VISION_START, configSource, vocabulary),
                vision(configIds, "vision_end_token_id", VISION_END, configSource, vocabulary),
                required(IM_START, vocabulary),
                required(IM_END, vocabulary),
                required(END_OF_TEXT, vocabulary));
    }

    private static int vision(Map<String, Integer> configIds, String field, String token, String configSource,
            QwenTokenizerVocabulary vocabulary) {
        int tokenizerId = required(token, vocabulary);
        Integer configId = configIds.get(field);
        if (configId != null && configId != tokenizerId) {
            throw new InvalidCheckpointException(String.format(Locale.ROOT,
                    "%s: %s = %d but %s gives %s the id %d", configSource, field, configId, vocabulary.file(),
                    token, tokenizerId));
        }
        return tokenizerId;
    }

    private static int required(String token, QwenTokenizerVocabulary vocabulary) {
        OptionalInt id = vocabulary.addedTokenId(token);
        if (id.isEmpty()) {
            throw new InvalidCheckpointException(vocabulary.file() + " has no added token " + token);
        }
        return id.getAsInt();
    }
}
