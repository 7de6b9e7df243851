package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import visq.gpu.ndarray.ScalarArrays;

/** Response-token log-probabilities from logits, as every policy family computes them for GRPO. */
public final class TokenLogProbs {

    private TokenLogProbs() {}

    /**
     * {@code [rows, length]}: {@code log_softmax(logits / temperature)} at each response token, 0 beyond the end
     * of each response (masked by multiplication). Row r of {@code logits} ({@code [rows, length, vocabulary]}) at
     * position t predicts token t of {@code responses.get(r)}; positions beyond a response are padding.
     */
    public static NDArray select(NDManager scope, NDArray logits, List<int[]> responses, int padId, double temperature) {
        int rows = responses.size();
        int length = Math.toIntExact(logits.getShape().get(1));
        long[] targets = new long[rows * length];
        float[] mask = new float[rows * length];
        for (int r = 0; r < rows; r++) {
            int[] response = responses.get(r);
            for (int t = 0; t < length; t++) {
                int at = r * length + t;
                if (t < response.length) {
                    targets[at] = response[t];
                    mask[at] = 1f;
                } else {
                    targets[at] = padId;
                }
            }
        }
        return logits.div(ScalarArrays.of(scope, temperature))
                .logSoftmax(2)
                .gather(scope.create(targets, new Shape(rows, length, 1)), 2)
                .squeeze(2)
                .mul(scope.create(mask, new Shape(rows, length)));
    }
}
