package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import visq.gpu.ndarray.ScalarArrays;

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
                return new ZeroPadding(spec.name(), config.paddingPairs("padding"));
            case "Conv2D":
                requireChannelsLast(spec);
                return Convolution.standard(spec.name(), config, lookup, parameters);
            case "DepthwiseConv2D":
                requireChannelsLast(spec);
                return Convolution.depthwise(spec.name(), config, lookup, parameters);
            case "BatchNormalization":
                return BatchNormalization.of(spec.name(), config, lookup, parameters);
            case "ReLU":
                return new Activation(spec.name(), ActivationFunction.relu(spec.name(), config, parameters));
            case "Activation":
                return new Activation(spec.name(),
                        ActivationFunction.named(spec.name(), config.string("activation"), parameters));
            case "Add":
                return new Add(spec.name());
            case "AveragePooling2D":
                requireChannelsLast(spec);
                return AveragePooling.of(spec.name(), config);
            case "Flatten":
                requireChannelsLast(spec);
                return new Flatten(spec.name());
            case "Dense":
                return Dense.of(spec.name(), config, lookup, parameters);
            case "Dropout":
                return new Identity(spec.name());
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
    private static final class Weights {
        private final String layer;
        private final Map<String, TfjsWeight> all;
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

    private static int[] single(String layer, List<int[]> inputShapes) {
        if (inputShapes.size() != 1) {
            throw new IllegalArgumentException("layer " + layer + " takes one input, got " + inputShapes.size());
        }
        return inputShapes.get(0);
    }

    private static int[] featureMap(String layer, List<int[]> inputShapes) {
        int[] shape = single(layer, inputShapes);
        if (shape.length != 3) {
            throw new IllegalArgumentException("layer " + layer + " needs a feature map (height, width, channels), got "
                    + Arrays.toString(shape));
        }
        return shape;
    }

    /** Output size of a window of extent {@code window} moved by {@code stride} over {@code size} (-1 unknown). */
    private static int validExtent(String layer, int size, int window, int stride) {
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

    private static NDArray parameter(NDManager parameters, float[] values, long... shape) {
        NDArray array = parameters.create(values, new Shape(shape));
        array.setRequiresGradient(false);
        return array;
    }

    /** ZeroPadding2D: zeros added around the feature map, {@code [[top, bottom], [left, right]]}. */
    private static final class ZeroPadding implements NetworkLayer {
        private final String name;
        private final int[][] padding;

        ZeroPadding(String name, int[][] padding) {
            this.name = name;
            this.padding = padding;
        }

        @Override
        public int[] outputShape(List<int[]> inputShapes) {
            int[] in = featureMap(name, inputShapes);
            return new int[] {
                in[0] < 0 ? -1 : in[0] + padding[0][0] + padding[0][1],
                in[1] < 0 ? -1 : in[1] + padding[1][0] + padding[1][1],
                in[2]};
        }

        @Override
        public NDArray apply(List<NDArray> inputs) {
            return pad(inputs.get(0), padding[0][0], padding[0][1], padding[1][0], padding[1][1]);
        }
    }

    /** Zero padding of an N×C×H×W array (a new array even when nothing is added). */
    static NDArray pad(NDArray x, int top, int bottom, int left, int right) {
        // the padding shape lists the last axis first: (left, right, top, bottom)
        return x.pad(new Shape(left, right, top, bottom), 0);
    }

    /** Conv2D and DepthwiseConv2D, with Keras 'valid' or 'same' padding, optional bias and activation. */
    static final class Convolution implements NetworkLayer {
        private final String name;
        private final int[] kernel;
        private final int[] strides;
        private final int[] dilation;
        private final boolean same;
        private final int inChannels;
        private final int outChannels;
        private final int groups;
        private final NDArray weight;
        private final NDArray bias;
        private final ActivationFunction activation;

        private Convolution(String name, LayerConfig config, int inChannels, int outChannels, int groups,
                NDArray weight, NDArray bias, ActivationFunction activation) {
            this.name = name;
            this.kernel = config.pair("kernel_size");
            this.strides = config.pair("strides", new int[] {1, 1});
            this.dilation = config.pair("dilation_rate", new int[] {1, 1});
            String padding = config.string("padding", "valid");
            if (!padding.equals("same") && !padding.equals("valid")) {
                throw new IllegalArgumentException("layer " + name + " has padding " + padding
                        + "; only same and valid are supported");
            }
            if (strides[0] > 1 && dilation[0] > 1 || strides[1] > 1 && dilation[1] > 1) {
                throw new IllegalArgumentException("layer " + name + ": strides and dilation both above 1");
            }
            for (int v : new int[] {kernel[0], kernel[1], strides[0], strides[1], dilation[0], dilation[1]}) {
                if (v <= 0) {
                    throw new IllegalArgumentException("layer " + name + ": kernel size, strides and dilation must "
                            + "be positive");
                }
            }
            this.same = padding.equals("same");
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.groups = groups;
            this.weight = weight;
            this.bias = bias;
            this.activation = activation;
        }

        private Convolution(String name, int[] kernel, int[] strides, int[] dilation, boolean same, int inChannels,
                int outChannels, int groups, NDArray weight, NDArray bias, ActivationFunction activation) {
            this.name = name;
            this.kernel = kernel;
            this.strides = strides;
            this.dilation = dilation;
            this.same = same;
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.groups = groups;
            this.weight = weight;
            this.bias = bias;
            this.activation = activation;
        }

        /** Keras kernel {@code [kh, kw, in, out]} as PyTorch's {@code [out, in, kh, kw]}. */
        static Convolution standard(String name, LayerConfig config, Weights weights, NDManager parameters) {
            int[] k = config.pair("kernel_size");
            int filters = config.integer("filters");
            TfjsWeight kernel = weights.get("kernel", k[0], k[1], weightDimension(weights, "kernel", 2), filters);
            int in = kernel.dimension(2);
            float[] w = new float[kernel.size()];
            for (int i = 0; i < k[0]; i++) {
                for (int j = 0; j < k[1]; j++) {
                    for (int c = 0; c < in; c++) {
                        for (int o = 0; o < filters; o++) {
                            w[((o * in + c) * k[0] + i) * k[1] + j] =
                                    kernel.valueAt(((i * k[1] + j) * in + c) * filters + o);
                        }
                    }
                }
            }
            NDArray weight = parameter(parameters, w, filters, in, k[0], k[1]);
            return new Convolution(name, config, in, filters, 1, weight,
                    bias(config, weights, filters, parameters), ActivationFunction.named(name,
                            config.string("activation", "linear"), parameters));
        }

        /** Keras depthwise kernel {@code [kh, kw, in, multiplier]} as PyTorch's {@code [in·multiplier, 1, kh, kw]}. */
        static Convolution depthwise(String name, LayerConfig config, Weights weights, NDManager parameters) {
            int[] k = config.pair("kernel_size");
            int multiplier = config.has("depth_multiplier") ? config.integer("depth_multiplier") : 1;
            TfjsWeight kernel = weights.get("depthwise_kernel", k[0], k[1],
                    weightDimension(weights, "depthwise_kernel", 2), multiplier);
            int in = kernel.dimension(2);
            float[] w = new float[kernel.size()];
            for (int i = 0; i < k[0]; i++) {
                for (int j = 0; j < k[1]; j++) {
                    for (int c = 0; c < in; c++) {
                        for (int m = 0; m < multiplier; m++) {
                            w[((c * multiplier + m) * k[0] + i) * k[1] + j] =
                                    kernel.valueAt(((i * k[1] + j) * in + c) * multiplier + m);
                        }
                    }
                }
            }
            NDArray weight = parameter(parameters, w, (long) in * multiplier, 1, k[0], k[1]);
            return new Convolution(name, config, in, in * multiplier, in, weight,
                    bias(config, weights, in * multiplier, parameters), ActivationFunction.named(name,
                            config.string("activation", "linear"), parameters));
        }

        /** Whether a batch norm that follows can be folded into this convolution (no activation in between). */
        boolean foldable() {
            return activation.isLinear();
        }

        /**
         * This convolution followed by {@code norm}, as one convolution: each output channel's kernel scaled by
         * {@code gamma / sqrt(variance + ε)} and its bias replaced by {@code (bias − mean) · scale + beta}. The new
         * parameters are created in {@code parameters}; this layer's and {@code norm}'s are freed, so neither may be
         * used afterwards.
         */
        Convolution foldedWith(BatchNormalization norm, NDManager parameters) {
            if (norm.channels != outChannels) {
                throw new IllegalArgumentException("layer " + norm.name + " normalises " + norm.channels
                        + " channels, layer " + name + " makes " + outChannels);
            }
            float[] w = weight.toFloatArray();
            float[] scale = norm.scale.toFloatArray();
            float[] mean = norm.mean.toFloatArray();
            float[] shift = norm.shift.toFloatArray();
            float[] b = bias == null ? new float[outChannels] : bias.toFloatArray();
            int perChannel = w.length / outChannels;
            float[] foldedWeight = new float[w.length];
            float[] foldedBias = new float[outChannels];
            for (int o = 0; o < outChannels; o++) {
                for (int k = 0; k < perChannel; k++) {
                    foldedWeight[o * perChannel + k] = w[o * perChannel + k] * scale[o];
                }
                foldedBias[o] = (b[o] - mean[o]) * scale[o] + shift[o];
            }
            Convolution folded = new Convolution(name, kernel, strides, dilation, same, inChannels, outChannels,
                    groups, parameter(parameters, foldedWeight, weight.getShape().getShape()),
                    parameter(parameters, foldedBias, outChannels), activation);
            weight.close();
            if (bias != null) {
                bias.close();
            }
            norm.mean.close();
            norm.scale.close();
            norm.shift.close();
            return folded;
        }

        private static int weightDimension(Weights weights, String weight, int axis) {
            TfjsWeight found = weights.all.get(weights.layer + "/" + weight);
            return found == null || found.rank() <= axis ? -1 : found.dimension(axis);
        }

        private static NDArray bias(LayerConfig config, Weights weights, int channels, NDManager parameters) {
            if (!config.bool("use_bias", true)) {
                return null;
            }
            return parameter(parameters, weights.get("bias", channels).values(), channels);
        }

        @Override
        public int[] outputShape(List<int[]> inputShapes) {
            int[] in = featureMap(name, inputShapes);
            if (in[2] != inChannels) {
                throw new IllegalArgumentException("layer " + name + " has a kernel for " + inChannels
                        + " input channels, its input has " + in[2]);
            }
            int[] out = new int[3];
            for (int axis = 0; axis < 2; axis++) {
                int window = (kernel[axis] - 1) * dilation[axis] + 1;
                out[axis] = in[axis] < 0 ? -1
                        : same ? (in[axis] + strides[axis] - 1) / strides[axis]
                        : validExtent(name, in[axis], window, strides[axis]);
            }
            out[2] = outChannels;
            return out;
        }

        @Override
        public NDArray apply(List<NDArray> inputs) {
            NDArray x = inputs.get(0);
            long channels = x.getShape().get(1);
            if (channels != inChannels) {
                throw new IllegalArgumentException("layer " + name + " needs " + inChannels + " channels, got "
                        + channels);
            }
            long[] symmetric = {0, 0};
            if (same) {
                int[] vertical = samePadding((int) x.getShape().get(2), (kernel[0] - 1) * dilation[0] + 1, strides[0]);
                int[] horizontal = samePadding((int) x.getShape().get(3), (kernel[1] - 1) * dilation[1] + 1,
                        strides[1]);
                if (vertical[0] == vertical[1] && horizontal[0] == horizontal[1]) {
                    symmetric = new long[] {vertical[0], horizontal[0]};
                } else {
                    x = pad(x, vertical[0], vertical[1], horizontal[0], horizontal[1]);
                }
            }
            NDArray y = Conv2d.conv2d(x, weight, bias, new Shape(strides[0], strides[1]), new Shape(symmetric),
                    new Shape(dilation[0], dilation[1]), groups).singletonOrThrow();
            return activation.apply(y, 1);
        }
    }

    /** BatchNormalization at inference: {@code (x − mean) · gamma / sqrt(variance + ε) + beta} per channel. */
    static final class BatchNormalization implements NetworkLayer {
        private final String name;
        private final int channels;
        private final NDArray mean;
        private final NDArray scale;
        private final NDArray shift;

        private BatchNormalization(String name, int channels, NDArray mean, NDArray scale, NDArray shift) {
            this.name = name;
            this.channels = channels;
            this.mean = mean;
            this.scale = scale;
            this.shift = shift;
        }

        static BatchNormalization of(String name, LayerConfig config, Weights weights, NDManager parameters) {
            int axis = config.has("axis") ? config.integer("axis") : -1;
            if (axis != -1 && axis != 3) {
                throw new IllegalArgumentException("layer " + name + " normalises axis " + axis
                        + "; only the channel axis (-1 or 3) of a feature map is supported");
            }
            double epsilon = config.number("epsilon", 1e-3);
            TfjsWeight movingMean = weights.get("moving_mean", channelCount(weights, name));
            int channels = movingMean.size();
            TfjsWeight movingVariance = weights.get("moving_variance", channels);
            float[] gamma = config.bool("scale", true) ? weights.get("gamma", channels).values() : null;
            float[] beta = config.bool("center", true) ? weights.get("beta", channels).values() : null;
            float[] scale = new float[channels];
            float[] shift = new float[channels];
            for (int c = 0; c < channels; c++) {
                double variance = movingVariance.valueAt(c);
                if (variance + epsilon <= 0) {
                    throw new IllegalArgumentException("layer " + name + ": moving variance " + variance
                            + " of channel " + c + " plus epsilon is not positive");
                }
                scale[c] = (float) ((gamma == null ? 1.0 : gamma[c]) / Math.sqrt(variance + epsilon));
                shift[c] = beta == null ? 0f : beta[c];
            }
            return new BatchNormalization(name, channels,
                    parameter(parameters, movingMean.values(), 1, channels, 1, 1),
                    parameter(parameters, scale, 1, channels, 1, 1),
                    parameter(parameters, shift, 1, channels, 1, 1));
        }

        private static int channelCount(Weights weights, String name) {
            TfjsWeight found = weights.all.get(name + "/moving_mean");
            return found == null || found.rank() != 1 ? -1 : found.dimension(0);
        }

        @Override
        public int[] outputShape(List<int[]> inputShapes) {
            int[] in = featureMap(name, inputShapes);
            if (in[2] != channels) {
                throw new IllegalArgumentException("layer " + name + " normalises " + channels
                        + " channels, its input has " + in[2]);
            }
            return in.clone();
        }

        @Override
        public NDArray apply(List<NDArray> inputs) {
            return inputs.get(0).sub(mean).mul(scale).add(shift);
        }
    }

    /** An activation applied on its own (ReLU, Activation layers). */
    private static final class Activation implements NetworkLayer {
        private final String name;
        private final ActivationFunction function;

        Activation(String name, ActivationFunction function) {
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

    /** Element-wise sum of equally shaped inputs. */
    private static final class Add implements NetworkLayer {
        private final String name;

        Add(String name) {
            this.name = name;
        }

        @Override
        public int[] outputShape(List<int[]> inputShapes) {
            if (inputShapes.size() < 2) {
                throw new IllegalArgumentException("layer " + name + " adds at least two inputs, got "
                        + inputShapes.size());
            }
            for (int[] shape : inputShapes) {
                if (!Arrays.equals(shape, inputShapes.get(0))) {
                    throw new IllegalArgumentException("layer " + name + " adds inputs of different shapes "
                            + Arrays.toString(inputShapes.get(0)) + " and " + Arrays.toString(shape));
                }
            }
            return inputShapes.get(0).clone();
        }

        @Override
        public NDArray apply(List<NDArray> inputs) {
            NDArray sum = inputs.get(0).add(inputs.get(1));
            for (int i = 2; i < inputs.size(); i++) {
                sum = sum.add(inputs.get(i));
            }
            return sum;
        }
    }

    /** AveragePooling2D with 'valid' padding. */
    private static final class AveragePooling implements NetworkLayer {
        private final String name;
        private final int[] pool;
        private final int[] strides;

        private AveragePooling(String name, int[] pool, int[] strides) {
            this.name = name;
            this.pool = pool;
            this.strides = strides;
        }

        static AveragePooling of(String name, LayerConfig config) {
            int[] pool = config.pair("pool_size", new int[] {2, 2});
            int[] strides = config.pair("strides", pool);
            String padding = config.string("padding", "valid");
            if (!padding.equals("valid")) {
                throw new IllegalArgumentException("layer " + name + " has padding " + padding
                        + "; average pooling supports valid only");
            }
            return new AveragePooling(name, pool, strides);
        }

        @Override
        public int[] outputShape(List<int[]> inputShapes) {
            int[] in = featureMap(name, inputShapes);
            return new int[] {validExtent(name, in[0], pool[0], strides[0]), validExtent(name, in[1], pool[1],
                    strides[1]), in[2]};
        }

        @Override
        public NDArray apply(List<NDArray> inputs) {
            return Pool.avgPool2d(inputs.get(0), new Shape(pool[0], pool[1]), new Shape(strides[0], strides[1]),
                    new Shape(0, 0), false, true);
        }
    }

    /** Flatten in Keras (channels-last) order: row, column, channel. */
    private static final class Flatten implements NetworkLayer {
        private final String name;

        Flatten(String name) {
            this.name = name;
        }

        @Override
        public int[] outputShape(List<int[]> inputShapes) {
            int[] in = single(name, inputShapes);
            long size = 1;
            for (int d : in) {
                if (d < 0) {
                    return new int[] {-1};
                }
                size *= d;
            }
            return new int[] {(int) size};
        }

        @Override
        public NDArray apply(List<NDArray> inputs) {
            NDArray x = inputs.get(0);
            long batch = x.getShape().get(0);
            NDArray channelsLast = x.getShape().dimension() == 4 ? x.transpose(0, 2, 3, 1) : x;
            return channelsLast.reshape(batch, -1);
        }
    }

    /** Dense: {@code activation(x · kernel + bias)}. */
    private static final class Dense implements NetworkLayer {
        private final String name;
        private final int in;
        private final NDArray kernel;
        private final NDArray bias;
        private final ActivationFunction activation;

        private Dense(String name, int in, NDArray kernel, NDArray bias, ActivationFunction activation) {
            this.name = name;
            this.in = in;
            this.kernel = kernel;
            this.bias = bias;
            this.activation = activation;
        }

        static Dense of(String name, LayerConfig config, Weights weights, NDManager parameters) {
            int units = config.integer("units");
            TfjsWeight kernel = weights.get("kernel", Convolution.weightDimension(weights, "kernel", 0), units);
            int in = kernel.dimension(0);
            NDArray bias = config.bool("use_bias", true)
                    ? parameter(parameters, weights.get("bias", units).values(), units)
                    : null;
            return new Dense(name, in, parameter(parameters, kernel.values(), in, units), bias,
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

    /** Dropout at inference: the input unchanged (as a new array, so the network may free the input). */
    static final class Identity implements NetworkLayer {
        private final String name;

        Identity(String name) {
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

    /** Keras activations: linear, relu (optionally capped, as ReLU(max_value) and relu6), sigmoid, tanh, softmax. */
    static final class ActivationFunction {
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

    /** Whether {@code x} is float32 (the only input type the network takes). */
    static boolean isFloat32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32;
    }
}
