package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.single;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Dropout at inference: the input unchanged (as a new array, so the network may free the input). */
final class IdentityLayer implements NetworkLayer {
    private final String name;

    IdentityLayer(String name) {
        this.name = name;
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        return single(name, inputShapes).clone();
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        NDArray x = inputs.get(0);
        return x.reshape(x.getShape());
    }
}
