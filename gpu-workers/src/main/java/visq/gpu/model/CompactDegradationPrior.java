package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.Severity;

/**
 * The compact model's frozen degradation prior ({@link CompactModelConfig#RIDGE_DEGRADATION_PRIOR}): one linear
 * read-out of the image statistics per degradation label of {@link #OUTPUTS}, two tensors of the model
 * ({@code [statistics, outputs]} weights, {@code [outputs]} biases) that every snapshot carries and training never
 * updates. The statistics token reads {@code statistics · weights + biases} as {@link #OUTPUTS}{@code .size()} more
 * inputs.
 */
public final class CompactDegradationPrior {

    /** The labels read out, in tensor order: none, then every class with every severity (enum orders). */
    public static final List<DegradationLabel> OUTPUTS = outputs();

    private final NDArray weights;
    private final NDArray biases;

    CompactDegradationPrior(NDArray weights, NDArray biases) {
        this.weights = weights;
        this.biases = biases;
    }

    /** The position of {@code label} in {@link #OUTPUTS}. */
    public static int indexOf(DegradationLabel label) {
        return OUTPUTS.indexOf(label);
    }

    /**
     * Sets the read-outs: {@code weights[o]} holds output {@code o}'s weight for every image statistic,
     * {@code biases[o]} its bias; snapshots exported from now on carry them.
     *
     * @throws IllegalArgumentException when there is not one read-out per output, or a read-out does not have one
     *     weight per image statistic of the model
     */
    public void set(float[][] weights, float[] biases) {
        int outputs = OUTPUTS.size();
        int statistics = Math.toIntExact(this.weights.getShape().get(0));
        if (weights.length != outputs || biases.length != outputs) {
            throw new IllegalArgumentException("degradation prior of " + weights.length + " read-outs and "
                    + biases.length + " biases for a model of " + outputs + " degradation labels");
        }
        float[] laidOut = new float[statistics * outputs];
        for (int o = 0; o < outputs; o++) {
            if (weights[o].length != statistics) {
                throw new IllegalArgumentException("degradation read-out " + o + " (" + OUTPUTS.get(o).describe()
                        + ") has " + weights[o].length + " weights for a model of " + statistics
                        + " image statistics");
            }
            for (int k = 0; k < statistics; k++) {
                laidOut[k * outputs + o] = weights[o][k];
            }
        }
        this.weights.set(laidOut);
        this.biases.set(biases.clone());
    }

    /**
     * The read-outs' values for {@code image} (prepared with the model's preprocessing), in {@link #OUTPUTS} order,
     * summed in float32 in statistics order.
     */
    public float[] valuesOf(ImageTensor image) {
        float[] w = weights.toFloatArray();
        float[] b = biases.toFloatArray();
        int outputs = b.length;
        int statistics = w.length / outputs;
        if (image.statisticsCount() != statistics) {
            throw new IllegalArgumentException("image carries " + image.statisticsCount() + " statistics, the "
                    + "degradation prior reads " + statistics);
        }
        float[] values = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            float sum = 0f;
            for (int k = 0; k < statistics; k++) {
                sum += image.statisticAt(k) * w[k * outputs + o];
            }
            values[o] = sum + b[o];
        }
        return values;
    }

    /** The label whose read-out is largest for {@code image}. */
    public DegradationLabel labelOf(ImageTensor image) {
        float[] values = valuesOf(image);
        int best = 0;
        for (int o = 1; o < values.length; o++) {
            if (values[o] > values[best]) {
                best = o;
            }
        }
        return OUTPUTS.get(best);
    }

    private static List<DegradationLabel> outputs() {
        List<DegradationLabel> labels = new ArrayList<>();
        labels.add(DegradationLabel.none());
        for (DegradationClass degradationClass : DegradationClass.values()) {
            for (Severity severity : Severity.values()) {
                labels.add(DegradationLabel.of(degradationClass, severity));
            }
        }
        return List.copyOf(labels);
    }
}
