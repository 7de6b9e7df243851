package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.single;
import static visq.gpu.image.features.NetworkLayers.parameter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import visq.gpu.image.features.NetworkLayers.Weights;

/** Dense: {@code activation(x · kernel + bias)}. */
final class DenseLayer implements NetworkLayer {
    private final String name;
    private final int in;
    private final NDArray kernel;
    private final NDArray bias;
    private final ActivationFunction activation;

    private DenseLayer(String name, int in, NDArray kernel, NDArray bias, ActivationFunction activation) {
        this.name = name;
        this.in = in;
        this.kernel = kernel;
        this.bias = bias;
        this.activation = activation;
    }

    static DenseLayer of(String name, LayerConfig config, Weights weights, NDManager parameters) {
        int units = config.integer("units");
        TfjsWeight kernel = weights.get("kernel", ConvolutionLayer.weightDimension(weights, "kernel", 0), units);
        int in = kernel.dimension(0);
        NDArray bias = config.bool("use_bias", true)
                ? parameter(parameters, weights.get("bias", units).values(), units)
                : null;
        return new DenseLayer(name, in, parameter(parameters, kernel.values(), in, units), bias,
                ActivationFunction.named(name, config.string("activation", "linear"), parameters));
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        int[] shape = single(name, inputShapes);
        if (shape.length != 1 || shape[0] >= 0 && shape[0] != in) {
            throw new IllegalArgumentException("layer " + name + " takes " + in + " features, its input has shape "
                    + Arrays.toString(shape));
        }
        return new int[] {(int) kernel.getShape().get(1)};
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        NDArray x = inputs.get(0);
        if (x.getShape().dimension() != 2 || x.getShape().get(1) != in) {
            throw new IllegalArgumentException("layer " + name + " takes " + in + " features, got an input of "
                    + "shape " + x.getShape());
        }
        NDArray y = x.matMul(kernel);
        if (bias != null) {
            y = y.add(bias);
        }
        return activation.apply(y, -1);
    }
}
