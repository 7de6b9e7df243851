package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.featureMap;
import static visq.gpu.image.features.NetworkLayers.parameter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import visq.gpu.image.features.NetworkLayers.Weights;

/** BatchNormalization at inference: {@code (x − mean) · gamma / sqrt(variance + ε) + beta} per channel. */
final class BatchNormalizationLayer implements NetworkLayer {
    final String name;
    final int channels;
    final NDArray mean;
    final NDArray scale;
    final NDArray shift;

    private BatchNormalizationLayer(String name, int channels, NDArray mean, NDArray scale, NDArray shift) {
        this.name = name;
        this.channels = channels;
        this.mean = mean;
        this.scale = scale;
        this.shift = shift;
    }

    static BatchNormalizationLayer of(String name, LayerConfig config, Weights weights, NDManager parameters) {
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
        return new BatchNormalizationLayer(name, channels,
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
