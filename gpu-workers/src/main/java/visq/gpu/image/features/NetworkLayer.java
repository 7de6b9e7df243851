package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One Keras layer turned into DJL operations. Feature maps travel channels-first ({@code N×C×H×W}, PyTorch's
 * layout); flat features as {@code N×F}. Parameters are prepared once, owned by the network's manager and never
 * require gradients.
 */
interface NetworkLayer {

    /**
     * This layer's output shape in Keras layout without the batch axis ({@code [H, W, C]} or {@code [F]}; -1 for an
     * unknown size), given its inputs' shapes. Throws {@link IllegalArgumentException} when they do not fit.
     */
    int[] outputShape(List<int[]> inputShapes);

    /**
     * The layer applied to {@code inputs}; every array it creates descends from the first input, so it is owned by
     * that input's manager.
     */
    NDArray apply(List<NDArray> inputs);
}
