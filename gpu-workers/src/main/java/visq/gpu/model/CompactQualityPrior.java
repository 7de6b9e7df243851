package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import visq.gpu.image.ImageTensor;

/**
 * The compact model's frozen quality prior ({@link CompactModelConfig#RIDGE_QUALITY_PRIOR}): one weight per image
 * statistic and a bias, two tensors of the model that every snapshot carries and training never updates. The
 * statistics token reads {@code statistics · weights + bias} as one more input.
 */
public final class CompactQualityPrior {
    private final NDArray weights;
    private final NDArray bias;

    CompactQualityPrior(NDArray weights, NDArray bias) {
        this.weights = weights;
        this.bias = bias;
    }

    /**
     * Sets the prior to {@code weights} (one per image statistic) and {@code bias}; snapshots exported from now on
     * carry it.
     *
     * @throws IllegalArgumentException when there are not as many weights as the model has image statistics
     */
    public void set(float[] weights, float bias) {
        if (weights.length != this.weights.getShape().size()) {
            throw new IllegalArgumentException("quality prior of " + weights.length + " weights for a model of "
                    + this.weights.getShape().size() + " image statistics");
        }
        this.weights.set(weights);
        this.bias.set(new float[] {bias});
    }

    /**
     * The prior's value for {@code image} (prepared with the model's preprocessing), computed in float32 as the
     * model's matMul computes it.
     */
    public double valueOf(ImageTensor image) {
        float[] w = weights.toFloatArray();
        if (image.statisticsCount() != w.length) {
            throw new IllegalArgumentException("image carries " + image.statisticsCount() + " statistics, the "
                    + "quality prior reads " + w.length);
        }
        float sum = 0f;
        for (int k = 0; k < w.length; k++) {
            sum += image.statisticAt(k) * w[k];
        }
        return sum + bias.getFloat();
    }
}
