package visq.gpu.model.qwen;

import java.util.Arrays;

/**
 * The prompt of one image-quality question in Qwen's chat format, exactly as the published Qwen2-VL / Qwen2.5-VL
 * chat template renders the messages {@code [system?, user(image..., text)]} with {@code add_generation_prompt},
 * and the processor then expands each image's single {@code <|image_pad|>} into one per merged patch:
 *
 * <pre>
 * &lt;|im_start|&gt;system\n{system, or "You are a helpful assistant."}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;user\n{per image: &lt;|vision_start|&gt;&lt;|image_pad|&gt; x n&lt;|vision_end|&gt;}{user text}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;assistant\n
 * </pre>
 *
 * The rendered text is tokenized as a whole by the checkpoint's tokenizer, as transformers does; special tokens
 * are matched in it, so the ids equal {@code apply_chat_template(..., tokenize=True)} after the processor's
 * expansion. Immutable and thread-safe (as the tokenizer is).
 */
public final class QwenChatTemplate {

    /** The system text the template uses when the messages have no system message. */
    public static final String DEFAULT_SYSTEM = "You are a helpful assistant.";

    private final QwenTokenizer tokenizer;

    public QwenChatTemplate(QwenTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * The prompt text.
     *
     * @param system the system message, or null for none (the template's default system text)
     * @param imageTokens per image, in order, its number of {@code <|image_pad|>} tokens (merged patches)
     * @param user the user's text, after the images
     */
    public static String render(String system, int[] imageTokens, String user) {
        StringBuilder text = new StringBuilder();
        text.append(QwenSpecialTokens.IM_START).append("system\n")
                .append(system == null ? DEFAULT_SYSTEM : system)
                .append(QwenSpecialTokens.IM_END).append('\n');
        text.append(QwenSpecialTokens.IM_START).append("user\n");
        for (int i = 0; i < imageTokens.length; i++) {
            if (imageTokens[i] <= 0) {
                throw new IllegalArgumentException("image " + i + " has " + imageTokens[i]
                        + " image tokens: every image has at least one; got " + Arrays.toString(imageTokens));
            }
            text.append(QwenSpecialTokens.VISION_START)
                    .append(QwenSpecialTokens.IMAGE_PAD.repeat(imageTokens[i]))
                    .append(QwenSpecialTokens.VISION_END);
        }
        text.append(user).append(QwenSpecialTokens.IM_END).append('\n');
        text.append(QwenSpecialTokens.IM_START).append("assistant\n");
        return text.toString();
    }

    /** The prompt's token ids; arguments as in {@link #render}. */
    public int[] encode(String system, int[] imageTokens, String user) {
        return tokenizer.encode(render(system, imageTokens, user));
    }
}
