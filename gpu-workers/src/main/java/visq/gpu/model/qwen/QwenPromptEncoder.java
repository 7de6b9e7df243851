package visq.gpu.model.qwen;

import java.util.ArrayList;
import java.util.List;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.PolicyPrompt;

/** Turns a {@link PolicyPrompt} into the token ids, image patches and 3-D positions the Qwen decoder reads. */
final class QwenPromptEncoder {

    private final QwenModelParts parts;
    private final QwenImageProcessor processor;

    QwenPromptEncoder(QwenModelParts parts) {
        this.parts = parts;
        this.processor = new QwenImageProcessor(parts.processor());
    }

    /**
     * @throws IllegalArgumentException when an image is not prepared for this model (sides not multiples of 28)
     */
    EncodedPrompt encode(PolicyPrompt prompt) {
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
