package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link NetworkLayer} of each supported Keras layer class from its config and weights, checking that
 * they agree with each other and with the layer's inputs.
 *
 * <p>Supported: InputLayer (handled by {@link KerasNetwork}), ZeroPadding2D, Conv2D, DepthwiseConv2D,
 * BatchNormalization (inference: moving statistics), ReLU, Activation, Add, AveragePooling2D (valid padding),
 * Flatten, Dense, Dropout (identity at inference). Data format channels_last only (what TF.js saves).
 */
final class NetworkLayers {

    private NetworkLayers() {}

    /**
     * The layer {@code spec} with its parameters created in {@code parameters}; the names of the weights it takes
     * are added to {@code used}.
     */
    static NetworkLayer create(
            KerasLayerSpec spec, Map<String, TfjsWeight> weights, Set<String> used, NDManager parameters) {
        Weights lookup = new Weights(spec.name(), weights, used);
        LayerConfig config = spec.config();
        switch (spec.className()) {
            case "ZeroPadding2D":
                requireChannelsLast(spec);
                return new ZeroPaddingLayer(spec.name(), config.paddingPairs("padding"));
            case "Conv2D":
                requireChannelsLast(spec);
                return ConvolutionLayer.standard(spec.name(), config, lookup, parameters);
            case "DepthwiseConv2D":
                requireChannelsLast(spec);
                return ConvolutionLayer.depthwise(spec.name(), config, lookup, parameters);
            case "BatchNormalization":
                return BatchNormalizationLayer.of(spec.name(), config, lookup, parameters);
            case "ReLU":
                return new ActivationLayer(spec.name(), ActivationFunction.relu(spec.name(), config, parameters));
            case "Activation":
                return new ActivationLayer(spec.name(),
                        ActivationFunction.named(spec.name(), config.string("activation"), parameters));
            case "Add":
                return new AddLayer(spec.name());
            case "AveragePooling2D":
                requireChannelsLast(spec);
                return AveragePoolingLayer.of(spec.name(), config);
            case "Flatten":
                requireChannelsLast(spec);
                return new FlattenLayer(spec.name());
            case "Dense":
                return DenseLayer.of(spec.name(), config, lookup, parameters);
            case "Dropout":
                return new IdentityLayer(spec.name());
            default:
                throw new IllegalArgumentException("layer " + spec.name() + " has unsupported layer type "
                        + spec.className());
        }
    }

    private static void requireChannelsLast(KerasLayerSpec spec) {
        String format = spec.config().string("data_format", "channels_last");
        if (!format.equals("channels_last")) {
            throw new IllegalArgumentException("layer " + spec.name() + " has data_format " + format
                    + "; only channels_last is supported");
        }
    }

    /** The weights of one layer, named {@code layer/weight}. */
    static final class Weights {
        final String layer;
        final Map<String, TfjsWeight> all;
        private final Set<String> used;

        Weights(String layer, Map<String, TfjsWeight> all, Set<String> used) {
            this.layer = layer;
            this.all = all;
            this.used = used;
        }

        TfjsWeight get(String weight, int... shape) {
            String name = layer + "/" + weight;
            TfjsWeight found = all.get(name);
            if (found == null) {
                throw new IllegalArgumentException("layer " + layer + " needs weight " + name
                        + ", which the manifest does not have");
            }
            if (!Arrays.equals(found.shape(), shape)) {
                throw new IllegalArgumentException("weight " + name + " has shape " + Arrays.toString(found.shape())
                        + ", layer " + layer + " needs " + Arrays.toString(shape));
            }
            used.add(name);
            return found;
        }
    }

    static int[] single(String layer, List<int[]> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new IllegalArgumentException("layer " + layer + " takes one input, got " + inputShapes.size());
        }
        return inputShapes.get(0);
    }

    static int[] featureMap(String layer, List<int[]> inputShapes) {
        int[] shape = single(layer, inputShapes);
        if (shape.length != 3) {
            throw new IllegalArgumentException("layer " + layer + " needs a feature map (height, width, channels), got "
                    + Arrays.toString(shape));
        }
        return shape;
    }

    /** Output size of a window of extent {@code window} moved by {@code stride} over {@code size} (-1 unknown). */
    static int validExtent(String layer, int size, int window, int stride) {
        if (size < 0) {
            return -1;
        }
        if (size < window) {
            throw new IllegalArgumentException("layer " + layer + ": input of size " + size + " is smaller than its "
                    + "window " + window);
        }
        return (size - window) / stride + 1;
    }

    /** Keras/TensorFlow 'same' padding of one axis: {before, after}, the extra pixel (if odd) after. */
    static int[] samePadding(int size, int window, int stride) {
        int out = (size + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + window - size, 0);
        return new int[] {total / 2, total - total / 2};
    }

    static NDArray parameter(NDManager parameters, float[] values, long... shape) {
        NDArray array = parameters.create(values, new Shape(shape));
        array.setRequiresGradient(false);
        return array;
    }

    /** Zero padding of an N×C×H×W array (a new array even when nothing is added). */
    static NDArray pad(NDArray x, int top, int bottom, int left, int right) {
        // the padding shape lists the last axis first: (left, right, top, bottom)
        return x.pad(new Shape(left, right, top, bottom), 0);
    }

    /** Whether {@code x} is float32 (the only input type the network takes). */
    static boolean isFloat32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32;
    }
}
