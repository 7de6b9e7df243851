package visq.gpu.training;

import visq.gpu.tasks.PolicyPrompt;

/**
 * One response to train on with GRPO: its prompt, its token ids (up to and including the end token if
 * it finished), the behaviour log-probabilities recorded when it was sampled, and its advantage.
 */
public record GrpoSample(PolicyPrompt prompt, int[] tokens, float[] behaviourLogProbs, double advantage) {

    public GrpoSample {
        if (tokens.length != behaviourLogProbs.length) {
            throw new IllegalArgumentException(
                    "sample has " + tokens.length + " tokens but " + behaviourLogProbs.length + " log-probs");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a GRPO sample needs at least one response token");
        }
        tokens = tokens.clone();
        behaviourLogProbs = behaviourLogProbs.clone();
    }
}
