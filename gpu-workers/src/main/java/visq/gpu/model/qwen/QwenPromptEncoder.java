package visq.gpu.model.qwen;

import java.util.ArrayList;
import java.util.List;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.PolicyPrompt;

/**
 * Turns a {@link PolicyPrompt} into the token ids, image patches and 3-D positions the Qwen decoder reads. The last
 * few prompts encoded are remembered by identity (a group's prompt is checked, then decoded; a training batch holds
 * each prompt G times), so a prompt is tokenised and patched once. Not thread-safe, like the policy that owns it.
 */
final class QwenPromptEncoder {

    private static final int REMEMBERED = 16;

    private final QwenModelParts parts;
    private final QwenImageProcessor processor;
    private final java.util.ArrayDeque<Remembered> recent = new java.util.ArrayDeque<>();

    private record Remembered(PolicyPrompt prompt, EncodedPrompt encoded) {}

    QwenPromptEncoder(QwenModelParts parts) {
        this.parts = parts;
        this.processor = new QwenImageProcessor(parts.processor());
    }

    /**
     * @throws IllegalArgumentException when an image is not prepared for this model (sides not multiples of 28)
     */
    EncodedPrompt encode(PolicyPrompt prompt) {
        for (Remembered remembered : recent) {
            if (remembered.prompt() == prompt) {
                return remembered.encoded();
            }
        }
        EncodedPrompt encoded = encodeAfresh(prompt);
        if (recent.size() == REMEMBERED) {
            recent.removeLast();
        }
        recent.addFirst(new Remembered(prompt, encoded));
        return encoded;
    }

    private EncodedPrompt encodeAfresh(PolicyPrompt prompt) {
        List<PatchedImage> images = new ArrayList<>(prompt.images().size());
        List<MultimodalPositions.ImageGrid> grids = new ArrayList<>(prompt.images().size());
        int[] pads = new int[prompt.images().size()];
        int merge = parts.vision().spatialMergeSize();
        for (int i = 0; i < pads.length; i++) {
            ImageTensor image = prompt.images().get(i);
            PatchedImage patched = processor.patches(image);
            images.add(patched);
            grids.add(patched.grid());
            pads[i] = patched.mergedTokens(merge);
        }
        int[] ids = parts.template().promptIds(prompt.systemText(), prompt.userText(), pads);
        long[] longIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longIds[i] = ids[i];
        }
        MultimodalPositions positions = MultimodalPositions.of(longIds, grids, parts.imageTokenId(), merge);
        return new EncodedPrompt(longIds, images, positions.positionIds(), positions.ropeDelta());
    }
}
