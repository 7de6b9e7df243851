package visq.actors.rollout;

import visq.gpu.image.ImageTensor;

/** Resolves a sample id to the preprocessed image every node derives from its local copy of the data. */
@FunctionalInterface
public interface PromptImages {
    /** The image of {@code sampleId}; throws {@link IllegalArgumentException} naming an unknown id. */
    ImageTensor imageOf(String sampleId);
}
