package visq.gpu.model.qwen;

import visq.gpu.model.TextTokenizer;

/**
 * Everything a {@link QwenVisionLanguagePolicy} is built from, read and checked once from a checkpoint directory and
 * the node's settings.
 *
 * @param modelId identifies base checkpoint and adapter layout; snapshots only load into the same id
 * @param configJson what weight snapshots carry as {@code model_config}
 * @param family Qwen2-VL or Qwen2.5-VL
 * @param text the decoder
 * @param vision the vision tower
 * @param processor the image processor
 * @param lora the adapters
 * @param tokenizer the checkpoint's tokenizer
 * @param template renders a prompt's chat template to token ids
 * @param imageTokenId the id of {@code <|image_pad|>}
 * @param maxSequence the longest prompt plus response accepted
 */
public record QwenModelParts(
        String modelId,
        String configJson,
        QwenFamily family,
        QwenTextConfig text,
        QwenVisionConfig vision,
        QwenImageProcessorConfig processor,
        LoraSettings lora,
        TextTokenizer tokenizer,
        PromptTemplate template,
        long imageTokenId,
        int maxSequence) {

    /** The chat template as token ids. */
    @FunctionalInterface
    public interface PromptTemplate {
        /**
         * The ids of a conversation: {@code systemText} (blank: the template's default system), a user turn with
         * {@code imagePads[i]} image-pad tokens for image i followed by {@code userText}, and the assistant turn's
         * opening.
         */
        int[] promptIds(String systemText, String userText, int[] imagePads);
    }
}
