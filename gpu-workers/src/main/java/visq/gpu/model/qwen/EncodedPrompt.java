package visq.gpu.model.qwen;

import java.util.List;

/**
 * A prompt as the Qwen decoder reads it: the chat-template token ids (one {@code <|image_pad|>} per merged patch),
 * the patches of each image in prompt order, and the 3-D rotary position ids with the delta that text after the
 * prompt adds to its sequence index.
 */
record EncodedPrompt(long[] ids, List<PatchedImage> images, long[][] positions, long ropeDelta) {

    int length() {
        return ids.length;
    }

    /** Position ids of sequence index {@code index} on every axis: the prompt's own, or {@code index + delta} after it. */
    long position(int axis, int index) {
        return index < ids.length ? positions[axis][index] : index + ropeDelta;
    }
}
