package visq.gpu.model.qwen;

/**
 * The vision tower of a Qwen2-VL / Qwen2.5-VL checkpoint ({@code vision_config} of config.json).
 *
 * @param depth number of vision blocks
 * @param hiddenSize width of a vision block ({@code hidden_size} in 2.5, {@code embed_dim} in 2-VL)
 * @param heads attention heads per block
 * @param intermediateSize hidden width of the block MLP ({@code intermediate_size} in 2.5,
 *     {@code embed_dim * mlp_ratio} in 2-VL)
 * @param patchSize side of a patch in pixels (14)
 * @param temporalPatchSize frames per patch (2; a still image is repeated)
 * @param spatialMergeSize side of the square of patches the merger folds into one token (2)
 * @param inChannels colour channels (3)
 * @param outHiddenSize width of the merged tokens, equal to the decoder's hidden size
 * @param windowSize side of an attention window in pixels (2.5 only; 0 for 2-VL)
 * @param fullAttentionBlocks indexes of the blocks with full attention (2.5 only; every block in 2-VL)
 * @param hiddenAct the MLP activation ({@code silu} in 2.5, {@code quick_gelu} in 2-VL)
 */
public record QwenVisionConfig(
        int depth,
        int hiddenSize,
        int heads,
        int intermediateSize,
        int patchSize,
        int temporalPatchSize,
        int spatialMergeSize,
        int inChannels,
        int outHiddenSize,
        int windowSize,
        int[] fullAttentionBlocks,
        String hiddenAct) {

    public QwenVisionConfig {
        fullAttentionBlocks = fullAttentionBlocks.clone();
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / heads;
    }

    /** Values of one flattened patch: channels x frames x patch x patch. */
    public int patchValues() {
        return inChannels * temporalPatchSize * patchSize * patchSize;
    }

    @Override
    public int[] fullAttentionBlocks() {
        return fullAttentionBlocks.clone();
    }
}
