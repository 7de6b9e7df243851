package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.featureMap;
import static visq.gpu.image.features.NetworkLayers.validExtent;
import static visq.gpu.image.features.NetworkLayers.samePadding;
import static visq.gpu.image.features.NetworkLayers.parameter;
import static visq.gpu.image.features.NetworkLayers.pad;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.List;
import visq.gpu.image.features.NetworkLayers.Weights;

/** Conv2D and DepthwiseConv2D, with Keras 'valid' or 'same' padding, optional bias and activation. */
final class ConvolutionLayer implements NetworkLayer {
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

    private ConvolutionLayer(String name, LayerConfig config, int inChannels, int outChannels, int groups,
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

    private ConvolutionLayer(String name, int[] kernel, int[] strides, int[] dilation, boolean same, int inChannels,
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
    static ConvolutionLayer standard(String name, LayerConfig config, Weights weights, NDManager parameters) {
        int[] k = config.pair("kernel_size");
        int filters = config.integer("filters");
        TfjsWeight kernel = weights.get("kernel", k[0], k[1], weightDimension(weights, "kernel", 2), filters);
        int in = kernel.dimension(2);
        NDArray weight = parameter(parameters, channelsFirst(kernel, k, in, filters, false), filters, in, k[0], k[1]);
        return new ConvolutionLayer(name, config, in, filters, 1, weight,
                bias(config, weights, filters, parameters), ActivationFunction.named(name,
                        config.string("activation", "linear"), parameters));
    }

    /** Keras depthwise kernel {@code [kh, kw, in, multiplier]} as PyTorch's {@code [in·multiplier, 1, kh, kw]}. */
    static ConvolutionLayer depthwise(String name, LayerConfig config, Weights weights, NDManager parameters) {
        int[] k = config.pair("kernel_size");
        int multiplier = config.has("depth_multiplier") ? config.integer("depth_multiplier") : 1;
        TfjsWeight kernel = weights.get("depthwise_kernel", k[0], k[1],
                weightDimension(weights, "depthwise_kernel", 2), multiplier);
        int in = kernel.dimension(2);
        NDArray weight = parameter(parameters, channelsFirst(kernel, k, in, multiplier, true), (long) in * multiplier, 1,
                k[0], k[1]);
        return new ConvolutionLayer(name, config, in, in * multiplier, in, weight,
                bias(config, weights, in * multiplier, parameters), ActivationFunction.named(name,
                        config.string("activation", "linear"), parameters));
    }

    /**
     * A Keras kernel {@code [kh, kw, in, out]} with the spatial axes moved last: {@code [out, in, kh, kw]}, or with
     * {@code inputOuter} {@code [in, out, kh, kw]} (a depthwise kernel, whose {@code out} is the multiplier per input
     * channel).
     */
    private static float[] channelsFirst(TfjsWeight kernel, int[] k, int in, int out, boolean inputOuter) {
        float[] w = new float[kernel.size()];
        for (int i = 0; i < k[0]; i++) {
            for (int j = 0; j < k[1]; j++) {
                for (int c = 0; c < in; c++) {
                    for (int o = 0; o < out; o++) {
                        int channel = inputOuter ? c * out + o : o * in + c;
                        w[(channel * k[0] + i) * k[1] + j] = kernel.valueAt(((i * k[1] + j) * in + c) * out + o);
                    }
                }
            }
        }
        return w;
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
    ConvolutionLayer foldedWith(BatchNormalizationLayer norm, NDManager parameters) {
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
        ConvolutionLayer folded = new ConvolutionLayer(name, kernel, strides, dilation, same, inChannels, outChannels,
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

    static int weightDimension(Weights weights, String weight, int axis) {
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
        // A depthwise kernel with a depth multiplier above 1 is run as a plain depthwise one (one output channel per
        // input channel) over each input channel repeated multiplier times: the same sums, in the same channel order
        // (c · multiplier + m). PyTorch 2.5.1's CPU convolution gives wrong values for the grouped form on a
        // channels-last input on some CPUs (an AVX-512 AMD EPYC, session 12: KerasNetworkTest's depthwise_m2 off by up
        // to 3 where the tiny model's input is the NHWC image transposed).
        int multiplier = groups > 1 ? outChannels / groups : 1;
        if (multiplier > 1) {
            x = x.repeat(1, multiplier);
        }
        NDArray y = Conv2d.conv2d(x, weight, bias, new Shape(strides[0], strides[1]), new Shape(symmetric),
                new Shape(dilation[0], dilation[1]), groups * multiplier).singletonOrThrow();
        return activation.apply(y, 1);
    }
}
