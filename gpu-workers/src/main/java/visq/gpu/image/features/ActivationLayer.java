package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.single;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** An activation applied on its own (ReLU, Activation layers). */
final class ActivationLayer implements NetworkLayer {
    private final String name;
    private final ActivationFunction function;

    ActivationLayer(String name, ActivationFunction function) {
        this.name = name;
        this.function = function;
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        return single(name, inputShapes).clone();
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        NDArray x = inputs.get(0);
        return function.apply(x, x.getShape().dimension() == 4 ? 1 : -1);
    }
}
