package visq.gpu.model;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import visq.gpu.tasks.QualityTask;

/**
 * One parameter of the compact model: its name, shape, version-0 initialisation and whether training updates it.
 * Values are drawn in Java from {@link SplittableRandom}s seeded by the init seed and the name (Box-Muller normals),
 * so every node builds identical weights. A frozen parameter (the quality and degradation priors) travels in every
 * snapshot but has no gradient and no optimiser state.
 */
record CompactParameterSpec(String name, Shape shape, Init init, double std, boolean trainable) {

    enum Init { NORMAL, ZEROS, ONES }

    CompactParameterSpec(String name, Shape shape, Init init, double std) {
        this(name, shape, init, std, true);
    }

    /** Names of the quality prior's two frozen tensors: its weights (one per statistic) and its bias. */
    static final String PRIOR_WEIGHT = "quality-prior.weight";
    static final String PRIOR_BIAS = "quality-prior.bias";

    /** Names of the degradation prior's frozen tensors: {@code [statistics, labels]} weights, {@code [labels]} biases. */
    static final String DEGRADATION_PRIOR_WEIGHT = "degradation-prior.weight";
    static final String DEGRADATION_PRIOR_BIAS = "degradation-prior.bias";

    float[] initialValues(long seed) {
        float[] values = new float[Math.toIntExact(shape.size())];
        switch (init) {
            case ONES:
                java.util.Arrays.fill(values, 1f);
                break;
            case ZEROS:
                break;
            default:
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
                for (int i = 0; i < values.length; i += 2) {
                    // Box-Muller: two normals from two uniforms, the same on every JVM
                    double u1 = 1.0 - random.nextDouble();
                    double u2 = random.nextDouble();
                    double radius = Math.sqrt(-2.0 * Math.log(u1)) * std;
                    values[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
                    if (i + 1 < values.length) {
                        values[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
                    }
                }
        }
        return values;
    }

    /** The compact model's parameters for {@code c} with a vocabulary of {@code vocabulary} ids, in model order. */
    static List<CompactParameterSpec> all(CompactModelConfig c, int vocabulary) {
        int d = c.dModel();
        double std = 0.02;
        double residualStd = std / Math.sqrt(2.0 * c.layers());
        List<CompactParameterSpec> specs = new ArrayList<>();
        specs.add(new CompactParameterSpec("patch.weight", new Shape(c.patchValues(), d), Init.NORMAL, std));
        specs.add(new CompactParameterSpec("patch.bias", new Shape(d), Init.ZEROS, 0));
        specs.add(new CompactParameterSpec("patch.position", new Shape(c.patchesPerImage(), d), Init.NORMAL, std));
        specs.add(new CompactParameterSpec("image.slot", new Shape(CompactVisionLanguagePolicy.MAX_IMAGES, d), Init.NORMAL, std));
        specs.add(new CompactParameterSpec("task.embedding", new Shape(QualityTask.values().length, d), Init.NORMAL, std));
        specs.add(new CompactParameterSpec("token.embedding", new Shape(vocabulary, d), Init.NORMAL, std));
        specs.add(new CompactParameterSpec("position.embedding", new Shape(c.maxSequence(), d), Init.NORMAL, std));
        for (int l = 0; l < c.layers(); l++) {
            String p = "layer" + l + ".";
            specs.add(new CompactParameterSpec(p + "attention.norm.gamma", new Shape(d), Init.ONES, 0));
            specs.add(new CompactParameterSpec(p + "attention.norm.beta", new Shape(d), Init.ZEROS, 0));
            specs.add(new CompactParameterSpec(p + "attention.qkv.weight", new Shape(d, 3L * d), Init.NORMAL, std));
            specs.add(new CompactParameterSpec(p + "attention.qkv.bias", new Shape(3L * d), Init.ZEROS, 0));
            specs.add(new CompactParameterSpec(p + "attention.out.weight", new Shape(d, d), Init.NORMAL, residualStd));
            specs.add(new CompactParameterSpec(p + "attention.out.bias", new Shape(d), Init.ZEROS, 0));
            specs.add(new CompactParameterSpec(p + "mlp.norm.gamma", new Shape(d), Init.ONES, 0));
            specs.add(new CompactParameterSpec(p + "mlp.norm.beta", new Shape(d), Init.ZEROS, 0));
            specs.add(new CompactParameterSpec(p + "mlp.up.weight", new Shape(d, c.ffDim()), Init.NORMAL, std));
            specs.add(new CompactParameterSpec(p + "mlp.up.bias", new Shape(c.ffDim()), Init.ZEROS, 0));
            specs.add(new CompactParameterSpec(p + "mlp.down.weight", new Shape(c.ffDim(), d), Init.NORMAL, residualStd));
            specs.add(new CompactParameterSpec(p + "mlp.down.bias", new Shape(d), Init.ZEROS, 0));
        }
        specs.add(new CompactParameterSpec("final.norm.gamma", new Shape(d), Init.ONES, 0));
        specs.add(new CompactParameterSpec("final.norm.beta", new Shape(d), Init.ZEROS, 0));
        specs.add(new CompactParameterSpec("head.weight", new Shape(d, vocabulary), Init.NORMAL, std));
        if (c.imageStatistics() > 0) {
            specs.add(new CompactParameterSpec("statistics.weight", new Shape(c.statisticsInputs(), d), Init.NORMAL, std));
            specs.add(new CompactParameterSpec("statistics.bias", new Shape(d), Init.ZEROS, 0));
            specs.add(new CompactParameterSpec("statistics.position", new Shape(d), Init.NORMAL, std));
        }
        if (c.hasQualityPrior()) {
            specs.add(new CompactParameterSpec(PRIOR_WEIGHT, new Shape(c.imageStatistics()), Init.ZEROS, 0, false));
            specs.add(new CompactParameterSpec(PRIOR_BIAS, new Shape(1), Init.ZEROS, 0, false));
        }
        if (c.hasDegradationPrior()) {
            int labels = CompactDegradationPrior.OUTPUTS.size();
            specs.add(new CompactParameterSpec(DEGRADATION_PRIOR_WEIGHT, new Shape(c.imageStatistics(), labels),
                    Init.ZEROS, 0, false));
            specs.add(new CompactParameterSpec(DEGRADATION_PRIOR_BIAS, new Shape(labels), Init.ZEROS, 0, false));
        }
        return Collections.unmodifiableList(specs);
    }
}
