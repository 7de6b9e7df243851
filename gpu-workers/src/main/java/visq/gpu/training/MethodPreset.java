package visq.gpu.training;

import java.util.List;

/**
 * Every constant of one training method (method.md §3), by name. A run's G, advantage scaling, sampling, learning
 * rate and β are its preset's unless a setting overrides them (the actors' {@code MethodSettings}).
 *
 * <ul>
 *   <li>{@code q-insight}: G = 8, ε = 0.2, β = 0.001, AdamW lr 1e-6 decaying linearly to 0 without warm-up,
 *       betas (0.9, 0.999), weight decay 0, grad-norm clip 1.0, temperature 1.0, top-k 50, top-p 1.0,
 *       256 completion tokens, sequence-mean aggregation, group std scaling, μ = 1.
 *   <li>{@code visualquality-r1}: the same with K = 6 and β = 0.04.
 *   <li>{@code compact}: the ~290k-parameter policy trained from scratch on CPU, whose GRPO phase starts from the
 *       supervised cold start (that checkpoint is also the frozen reference). A 1e-6 rate only nudges a
 *       pretrained 7B model; this small model moves at 1e-4 within a few hundred updates, with a 20-update
 *       warm-up. Measured on the embedded default: at 3e-4 with β = 0.01 the policy drifted (KL to the reference
 *       0.3–2.2) and held-out degradation class accuracy fell from 0.81 after the cold start to 0.41; hence
 *       VisualQuality-R1's β = 0.04. 3e-5 (sessions 1–4, deploy/conf/light.conf) kept every held-out number where
 *       the cold start left it; 1e-4 lets the fidelity reward teach severity ranking (Kodak SRCC 0.25 → 0.61,
 *       README "Model quality"). Weight decay 0.01 regularises a model trained from scratch
 *       (the papers fine-tune, and use 0). Completions are capped at 128 tokens to keep CPU rollouts affordable
 *       (a short think plus an answer fits). G = 6 (VisualQuality-R1's K): 4 prompts of 6 responses keep a CPU GRPO
 *       step affordable; the embedded default has always trained with 6. The other constants are the papers'.
 * </ul>
 *
 * @param name the preset's name
 * @param groupSize G (or K), responses per prompt
 * @param grpo clip range, β, aggregation, completion limit, μ
 * @param advantageScaling how advantages are scaled
 * @param optimizer AdamW betas, ε, weight decay
 * @param learningRate the peak learning rate
 * @param warmupSteps linear warm-up updates before the linear decay to 0
 * @param gradientClipNorm max global gradient L2 norm
 * @param sampling rollout sampling constants
 */
public record MethodPreset(
        String name,
        int groupSize,
        GrpoSettings grpo,
        AdvantageScaling advantageScaling,
        AdamWSettings optimizer,
        double learningRate,
        int warmupSteps,
        double gradientClipNorm,
        SamplingConstants sampling) {

    public static final String Q_INSIGHT = "q-insight";
    public static final String VISUALQUALITY_R1 = "visualquality-r1";
    public static final String COMPACT = "compact";

    public MethodPreset {
        if (groupSize < 2) {
            throw new IllegalArgumentException("a group needs at least 2 responses, got " + groupSize);
        }
        if (!(learningRate > 0) || warmupSteps < 0 || !(gradientClipNorm > 0)) {
            throw new IllegalArgumentException("invalid optimisation constants in preset " + name);
        }
    }

    /** The names {@link #byName} knows. */
    public static List<String> names() {
        return List.of(Q_INSIGHT, VISUALQUALITY_R1, COMPACT);
    }

    /** The preset called {@code name}; throws IllegalArgumentException naming the known presets otherwise. */
    public static MethodPreset byName(String name) {
        if (Q_INSIGHT.equals(name)) {
            return qInsight();
        }
        if (VISUALQUALITY_R1.equals(name)) {
            return visualQualityR1();
        }
        if (COMPACT.equals(name)) {
            return compact();
        }
        throw new IllegalArgumentException("unknown method preset '" + name + "'; known presets: " + names());
    }

    public static MethodPreset qInsight() {
        return new MethodPreset(Q_INSIGHT, 8, GrpoSettings.qInsight(), AdvantageScaling.GROUP_STD,
                AdamWSettings.papers(), 1e-6, 0, 1.0, SamplingConstants.papers());
    }

    public static MethodPreset visualQualityR1() {
        return new MethodPreset(VISUALQUALITY_R1, 6, GrpoSettings.visualQualityR1(), AdvantageScaling.GROUP_STD,
                AdamWSettings.papers(), 1e-6, 0, 1.0, SamplingConstants.papers());
    }

    public static MethodPreset compact() {
        GrpoSettings grpo = new GrpoSettings(0.2, 0.2, 0.04, LossAggregation.SEQUENCE_MEAN, 128, 1);
        return new MethodPreset(COMPACT, 6, grpo, AdvantageScaling.GROUP_STD,
                AdamWSettings.papers().withWeightDecay(0.01), 1e-4, 20, 1.0, SamplingConstants.papers());
    }

    /** This preset with peak learning rate {@code rate}. */
    public MethodPreset withLearningRate(double rate) {
        return new MethodPreset(name, groupSize, grpo, advantageScaling, optimizer, rate, warmupSteps,
                gradientClipNorm, sampling);
    }

    /** This preset with KL coefficient {@code beta}. */
    public MethodPreset withBeta(double beta) {
        return new MethodPreset(name, groupSize, grpo.withBeta(beta), advantageScaling, optimizer, learningRate,
                warmupSteps, gradientClipNorm, sampling);
    }

    /** This preset with the GRPO token losses aggregated by {@code aggregation}. */
    public MethodPreset withLossAggregation(LossAggregation aggregation) {
        return new MethodPreset(name, groupSize, grpo.withAggregation(aggregation), advantageScaling, optimizer,
                learningRate, warmupSteps, gradientClipNorm, sampling);
    }

    /** This preset with {@code size} responses per prompt (G). */
    public MethodPreset withGroupSize(int size) {
        return new MethodPreset(name, size, grpo, advantageScaling, optimizer, learningRate, warmupSteps,
                gradientClipNorm, sampling);
    }

    /** This preset with advantages scaled by {@code scaling}. */
    public MethodPreset withAdvantageScaling(AdvantageScaling scaling) {
        return new MethodPreset(name, groupSize, grpo, scaling, optimizer, learningRate, warmupSteps,
                gradientClipNorm, sampling);
    }

    /** This preset with rollout sampling constants {@code constants}. */
    public MethodPreset withSampling(SamplingConstants constants) {
        return new MethodPreset(name, groupSize, grpo, advantageScaling, optimizer, learningRate, warmupSteps,
                gradientClipNorm, constants);
    }

    /** The learning-rate schedule of this preset over a run of {@code totalSteps} updates. */
    public LearningRateSchedule schedule(int totalSteps) {
        return new LearningRateSchedule(learningRate, Math.min(warmupSteps, totalSteps), totalSteps);
    }
}
