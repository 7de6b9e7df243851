package visq.gpu.training;

/** Builds the loss mask of completions: 1 for tokens up to and including the first end token, else 0. */
public final class CompletionMask {

    private CompletionMask() {}

    /**
     * The mask of {@code responses} padded or cut to {@code width} columns. A response without an end token is
     * masked over all its tokens (it was cut at the length limit); positions past a response's length are 0.
     *
     * @return [responses.length][width]
     */
    public static float[][] fromTokens(int[][] responses, int endTokenId, int width) {
        if (width < 0) {
            throw new IllegalArgumentException("width must be >= 0, got " + width);
        }
        float[][] mask = new float[responses.length][width];
        for (int b = 0; b < responses.length; b++) {
            int limit = Math.min(responses[b].length, width);
            for (int t = 0; t < limit; t++) {
                mask[b][t] = 1f;
                if (responses[b][t] == endTokenId) {
                    break;
                }
            }
        }
        return mask;
    }
}
