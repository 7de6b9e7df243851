package visq.gpu.model;

import java.util.Arrays;

/**
 * One sampled response.
 *
 * @param text the decoded response without the eos token
 * @param tokenIds the sampled ids, ending with the eos id when {@code finished}
 * @param logProbs {@code logProbs[i] = log pi(tokenIds[i] | prompt, tokenIds[0..i))} under the sampling
 *     temperature ({@code log_softmax(logits / T)}), before top-k/top-p truncation: the behaviour log-probabilities
 *     of GRPO
 * @param finished whether the response ended with eos (otherwise it hit maxNewTokens)
 */
public record GeneratedResponse(String text, int[] tokenIds, float[] logProbs, boolean finished) {

    public GeneratedResponse {
        if (tokenIds.length != logProbs.length) {
            throw new IllegalArgumentException(
                    tokenIds.length + " token ids but " + logProbs.length + " log-probabilities");
        }
        tokenIds = tokenIds.clone();
        logProbs = logProbs.clone();
    }

    /** A copy of the token ids. */
    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    /** A copy of the log-probabilities. */
    @Override
    public float[] logProbs() {
        return logProbs.clone();
    }

    /** Number of tokens, eos included. */
    public int length() {
        return tokenIds.length;
    }

    /** Sum of the token log-probabilities. */
    public double totalLogProb() {
        double sum = 0;
        for (float lp : logProbs) {
            sum += lp;
        }
        return sum;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GeneratedResponse that
                && finished == that.finished
                && text.equals(that.text)
                && Arrays.equals(tokenIds, that.tokenIds)
                && Arrays.equals(logProbs, that.logProbs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * text.hashCode() + Arrays.hashCode(tokenIds)) + Boolean.hashCode(finished);
    }

    @Override
    public String toString() {
        return "GeneratedResponse[" + tokenIds.length + " tokens, finished=" + finished + ", text=" + text + "]";
    }
}
