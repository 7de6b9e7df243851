package visq.actors.reward;

import visq.gpu.rewards.SampleTruth;

/** Looks up the truth of a sample by id on the reward actor's own node. */
@FunctionalInterface
public interface GroundTruths {
    /** The truth of {@code sampleId}; throws {@link IllegalArgumentException} naming an unknown id. */
    SampleTruth truthOf(String sampleId);
}
