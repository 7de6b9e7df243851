package visq.actors.rollout;

import java.util.List;

/**
 * One sampled response: its text, token ids (including the end token if it finished) and the
 * behaviour log-probability of each token under the weights that generated it.
 */
public record Rollout(String text, TokenIds tokenIds, List<Float> behaviourLogProbs, boolean finished) {

    public Rollout {
        behaviourLogProbs = List.copyOf(behaviourLogProbs);
        if (tokenIds.size() != behaviourLogProbs.size()) {
            throw new IllegalArgumentException(
                    "rollout has " + tokenIds.size() + " tokens but " + behaviourLogProbs.size() + " log-probs");
        }
    }
}
