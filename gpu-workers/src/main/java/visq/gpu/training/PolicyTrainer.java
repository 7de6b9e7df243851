package visq.gpu.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModel;
import visq.gpu.tasks.PolicyPrompt;

/**
 * Trains a policy: supervised cold-start steps (token NLL) and GRPO updates (method.md §3) with our
 * AdamW, learning-rate schedule and global grad-norm clipping. Owns the policy, the frozen reference
 * policy (absent when β = 0) and the optimiser state; every step's arrays live in a sub-manager closed
 * at the end of the step, so memory stays flat.
 */
public final class PolicyTrainer implements PolicyTraining {
    private final PolicyModel policy;
    private final Optional<PolicyModel> reference;
    private final MethodPreset preset;
    private final LearningRateSchedule schedule;
    private final LearningRateSchedule supervisedSchedule;
    private int supervisedSteps;
    private int skippedUpdates;
    private final AdamW optimizer;
    private final GrpoLoss loss = new GrpoLoss();
    private final NDManager manager;
    private int grpoOptimizerSteps;
    private boolean referenceFrozen;

    /**
     * @param reference              a second model of the same architecture; required when the preset's β > 0. At
     *                               the first GRPO step it is frozen as a copy of the policy as it is then (after
     *                               the cold start), which is the reference both papers use: the starting checkpoint
     * @param supervisedSchedule     the AdamW rate of cold-start steps
     * @param grpoOptimizerSteps     GRPO optimiser steps (steps × μ) the preset's learning rate decays over
     */
    public PolicyTrainer(PolicyModel policy, Optional<PolicyModel> reference, MethodPreset preset,
            LearningRateSchedule supervisedSchedule, int grpoOptimizerSteps) {
        if (preset.grpo().beta() > 0 && reference.isEmpty()) {
            throw new IllegalArgumentException("preset " + preset.name() + " has beta " + preset.grpo().beta()
                    + " and needs a reference policy");
        }
        this.policy = policy;
        this.reference = reference;
        this.preset = preset;
        this.schedule = preset.schedule(Math.max(1, grpoOptimizerSteps));
        this.supervisedSchedule = supervisedSchedule;
        this.optimizer = new AdamW(preset.optimizer());
        this.manager = NDManager.newBaseManager(policy.device());
    }

    public PolicyModel policy() {
        return policy;
    }

    /** The frozen reference policy, when the preset has one. */
    public Optional<PolicyModel> reference() {
        return reference;
    }

    public MethodPreset preset() {
        return preset;
    }

    /** One supervised step: mean token NLL of the targets under teacher forcing. */
    public SupervisedStepResult supervisedStep(List<SupervisedExample> examples) {
        List<PolicyPrompt> prompts = new ArrayList<>(examples.size());
        List<int[]> targets = new ArrayList<>(examples.size());
        for (SupervisedExample example : examples) {
            prompts.add(example.prompt());
            targets.add(example.targetTokens());
        }
        try (NDManager scope = manager.newSubManager()) {
            double value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray nll = policy.sequenceNegativeLogLikelihood(scope, prompts, targets);
                collector.backward(nll);
                value = nll.getFloat();
            }
            double norm = applyGradients(supervisedSchedule.at(supervisedSteps++), value);
            return new SupervisedStepResult(value, norm);
        }
    }

    /** One GRPO update over {@code samples}: μ policy steps against the recorded behaviour log-probs. */
    public GrpoStepResult grpoStep(List<GrpoSample> samples) {
        if (samples.isEmpty()) {
            return GrpoStepResult.skipped();
        }
        freezeReferenceOnce();
        List<PolicyPrompt> prompts = new ArrayList<>(samples.size());
        List<int[]> responses = new ArrayList<>(samples.size());
        for (GrpoSample sample : samples) {
            prompts.add(sample.prompt());
            responses.add(sample.tokens());
        }
        double temperature = preset.sampling().temperature();
        GrpoSettings settings = preset.grpo();
        double lossSum = 0;
        double klSum = 0;
        double clipSum = 0;
        double ratioSum = 0;
        double normSum = 0;
        int updates = Math.max(1, settings.policyUpdatesPerRollout());
        try (NDManager scope = manager.newSubManager()) {
            int width = responses.stream().mapToInt(r -> r.length).max().orElseThrow();
            NDArray old = scope.create(padded(samples, width));
            NDArray mask = scope.create(
                    CompletionMask.fromTokens(responses.toArray(new int[0][]), policy.tokenizer().eosId(), width));
            float[] advantageValues = new float[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                advantageValues[i] = (float) samples.get(i).advantage();
            }
            NDArray advantages = scope.create(advantageValues);
            NDArray ref = settings.beta() > 0 ? referenceLogProbs(scope, prompts, responses, temperature) : null;
            for (int update = 0; update < updates; update++) {
                try (NDManager updateScope = scope.newSubManager()) {
                    GrpoLossResult result;
                    double value;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray logProbs = policy.responseLogProbs(updateScope, prompts, responses, temperature);
                        result = loss.compute(logProbs, old, ref, advantages, mask, settings);
                        collector.backward(result.loss());
                        value = result.loss().getFloat();
                        lossSum += value;
                    }
                    klSum += result.meanKl();
                    clipSum += result.clipFraction();
                    ratioSum += result.meanRatio();
                    normSum += applyGradients(schedule.at(grpoOptimizerSteps++), value);
                }
            }
        }
        return new GrpoStepResult(lossSum / updates, klSum / updates, clipSum / updates, ratioSum / updates,
                normSum / updates, updates);
    }

    /**
     * The frozen reference's log-probs, computed with autograd recording off: nothing flows back into the
     * reference, and recording its graph (actor threads record by default) only cost time and memory.
     */
    private NDArray referenceLogProbs(NDManager scope, List<PolicyPrompt> prompts, List<int[]> responses,
            double temperature) {
        try (AutogradPause paused = AutogradPause.begin()) {
            return reference.orElseThrow().responseLogProbs(scope, prompts, responses, temperature);
        }
    }

    /** Freezes the reference as a copy of the policy at the first GRPO step. */
    private void freezeReferenceOnce() {
        if (!referenceFrozen && reference.isPresent()) {
            reference.get().importWeights(policy.exportWeights(policy.weightVersion()));
        }
        referenceFrozen = true;
    }

    /**
     * Clips the global gradient norm, takes an AdamW step at {@code learningRate}, and clears the gradients. A
     * non-finite loss or gradient norm skips the update (the weights and optimiser state stay as they were) and is
     * counted in {@link #skippedUpdates()}: one bad batch must not turn every weight into NaN.
     */
    private double applyGradients(double learningRate, double lossValue) {
        List<NDArray> parameters = policy.trainableParameters();
        try (AutogradPause paused = AutogradPause.begin()) {
            List<NDArray> gradients = new ArrayList<>(parameters.size());
            for (NDArray parameter : parameters) {
                gradients.add(parameter.getGradient());
            }
            double norm = GradientClipping.clipGlobalNorm(gradients, preset.gradientClipNorm());
            gradients.forEach(NDArray::close);
            if (Double.isFinite(lossValue) && Double.isFinite(norm)) {
                optimizer.step(parameters, (float) learningRate);
            } else {
                skippedUpdates++;
            }
            AdamW.zeroGradients(parameters);
            return norm;
        }
    }

    /** Updates skipped because their loss or gradient was not finite. */
    public int skippedUpdates() {
        return skippedUpdates;
    }

    private static float[][] padded(List<GrpoSample> samples, int width) {
        float[][] out = new float[samples.size()][width];
        for (int i = 0; i < samples.size(); i++) {
            float[] values = samples.get(i).behaviourLogProbs();
            System.arraycopy(values, 0, out[i], 0, values.length);
        }
        return out;
    }

    /** Arrays the trainer itself holds (optimiser state and step scratch); flat over a long run. */
    public int liveArrayCount() {
        return manager.getManagedArrays().size() + optimizer.liveArrayCount();
    }

    /** The state a checkpoint needs to continue this run exactly. */
    public TrainerState exportState() {
        Optional<EncodedWeights> frozen = referenceFrozen
                ? reference.map(model -> model.exportWeights(model.weightVersion()))
                : Optional.empty();
        return new TrainerState(optimizer.exportState(), supervisedSteps, grpoOptimizerSteps, referenceFrozen,
                frozen);
    }

    /**
     * Continues from {@code state} (taken by {@link #exportState} after the policy weights were saved). The supervised
     * step count is kept at most the cold-start schedule's length: every step from there on has rate 0, so the cap
     * changes no update; it bounds the estimate a checkpoint written before the count was recorded gives (its plan
     * step, which equals the count during the cold start and exceeds it after).
     */
    public void restore(TrainerState state) {
        if (!state.optimizer().steps().isEmpty()) {
            optimizer.restore(state.optimizer(), policy.trainableParameters());
        }
        supervisedSteps = Math.min(state.supervisedSteps(), supervisedSchedule.totalSteps());
        grpoOptimizerSteps = state.grpoOptimizerSteps();
        referenceFrozen = state.referenceFrozen();
        if (referenceFrozen && reference.isPresent()) {
            reference.get().importWeights(state.reference().orElseThrow(() -> new IllegalArgumentException(
                    "the checkpoint's reference policy was frozen but its weights are missing")));
        }
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
        policy.close();
        reference.ifPresent(PolicyModel::close);
    }
}
