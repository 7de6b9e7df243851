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

    /** Throws unless a tower of {@code family} can be built from this config. */
    void requireSupportedBy(QwenFamily family) {
        requirePositive("depth", depth());
        requirePositive("hidden_size", hiddenSize());
        requirePositive("num_heads", heads());
        requirePositive("intermediate_size", intermediateSize());
        requirePositive("patch_size", patchSize());
        requirePositive("temporal_patch_size", temporalPatchSize());
        requirePositive("spatial_merge_size", spatialMergeSize());
        requirePositive("in_channels", inChannels());
        requirePositive("out_hidden_size", outHiddenSize());
        if (hiddenSize() % heads() != 0) {
            throw new IllegalArgumentException("vision hidden_size " + hiddenSize()
                    + " is not a multiple of num_heads " + heads());
        }
        String act = hiddenAct();
        if (!"silu".equals(act) && !"quick_gelu".equals(act) && !"gelu".equals(act)) {
            throw new IllegalArgumentException("vision hidden_act '" + act
                    + "' is not supported: silu, quick_gelu and gelu are");
        }
        if (family == QwenFamily.QWEN2_5_VL) {
            VisionWindows.windowUnits(spatialMergeSize(), windowSize(), patchSize());
            for (int block : fullAttentionBlocks()) {
                if (block < 0 || block >= depth()) {
                    throw new IllegalArgumentException("vision fullatt_block_indexes holds " + block
                            + ", outside the " + depth() + " blocks");
                }
            }
        }
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("vision_config." + field + " is " + value + ", must be positive");
        }
    }
}
