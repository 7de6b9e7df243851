package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import visq.gpu.ndarray.ScalarArrays;

/** Keras activations: linear, relu (optionally capped, as ReLU(max_value) and relu6), sigmoid, tanh, softmax. */
final class ActivationFunction {
    private enum Kind { LINEAR, RELU, SIGMOID, TANH, SOFTMAX }

    boolean isLinear() {
        return kind == Kind.LINEAR;
    }

    private final Kind kind;
    private final NDArray cap;

    private ActivationFunction(Kind kind, NDArray cap) {
        this.kind = kind;
        this.cap = cap;
    }

    static ActivationFunction named(String layer, String activation, NDManager parameters) {
        switch (activation) {
            case "linear":
                return new ActivationFunction(Kind.LINEAR, null);
            case "relu":
                return new ActivationFunction(Kind.RELU, null);
            case "relu6":
                return new ActivationFunction(Kind.RELU, ScalarArrays.of(parameters, 6));
            case "sigmoid":
                return new ActivationFunction(Kind.SIGMOID, null);
            case "tanh":
                return new ActivationFunction(Kind.TANH, null);
            case "softmax":
                return new ActivationFunction(Kind.SOFTMAX, null);
            default:
                throw new IllegalArgumentException("layer " + layer + " has unsupported activation " + activation);
        }
    }

    /** The ReLU layer: {@code min(max(x, 0), max_value)}; a negative slope or threshold is not supported. */
    static ActivationFunction relu(String layer, LayerConfig config, NDManager parameters) {
        if (config.number("negative_slope", 0) != 0 || config.number("threshold", 0) != 0) {
            throw new IllegalArgumentException("layer " + layer + ": ReLU with a negative slope or threshold is "
                    + "not supported");
        }
        NDArray cap = null;
        if (config.has("max_value")) {
            double max = config.number("max_value");
            if (max < 0) {
                throw new IllegalArgumentException("layer " + layer + ": ReLU max_value " + max + " is negative");
            }
            cap = ScalarArrays.of(parameters, max);
        }
        return new ActivationFunction(Kind.RELU, cap);
    }

    /** The activation of {@code x}, softmax over {@code channelAxis}. */
    NDArray apply(NDArray x, int channelAxis) {
        switch (kind) {
            case RELU:
                // PyTorch's relu, then the cap as a PyTorch-owned scalar array (ScalarArrays), no Number overload
                NDArray positive = x.getNDArrayInternal().relu();
                return cap == null ? positive : positive.minimum(cap);
            case SIGMOID:
                return ai.djl.nn.Activation.sigmoid(x);
            case TANH:
                return x.tanh();
            case SOFTMAX:
                return x.softmax(channelAxis);
            default:
                return x;
        }
    }
}
