package visq.gpu.model.qwen;

/**
 * The language decoder of a Qwen2-VL / Qwen2.5-VL checkpoint, as config.json describes it (top level in the
 * published checkpoints, {@code text_config} in the transformers-5 layout).
 *
 * @param vocabSize rows of the token embedding and the head
 * @param hiddenSize width of the residual stream
 * @param intermediateSize hidden width of the SwiGLU MLP
 * @param layers number of decoder layers
 * @param heads query heads
 * @param keyValueHeads key/value heads (grouped-query attention); divides {@code heads}
 * @param rmsNormEps epsilon of every RMSNorm
 * @param ropeTheta base of the rotary frequencies
 * @param mropeSection rotary pairs given to the temporal, height and width position ids; sums to headDim / 2
 * @param maxPositionEmbeddings the longest sequence the model was built for
 * @param tieWordEmbeddings whether the head reuses the token embedding (no {@code lm_head.weight} tensor)
 */
public record QwenTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int layers,
        int heads,
        int keyValueHeads,
        double rmsNormEps,
        double ropeTheta,
        int[] mropeSection,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings) {

    public QwenTextConfig {
        mropeSection = mropeSection.clone();
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / heads;
    }

    @Override
    public int[] mropeSection() {
        return mropeSection.clone();
    }
}
