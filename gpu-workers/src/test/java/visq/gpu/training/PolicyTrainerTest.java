package visq.gpu.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.OneIntraOpThread;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.SamplingConstants;

/**
 * The trainer through a real compact model: the GRPO loss gradient autograd gives equals central finite
 * differences, and many rollout + update steps leave the number of live NDArrays unchanged.
 */
@ExtendWith(OneIntraOpThread.class)
class PolicyTrainerTest {
    /** A degradation prompt over one 32×64 image of seeded random pixels (also PolicyTrainerResumeTest's). */
    static PolicyPrompt prompt(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[3 * 32 * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        return PromptCatalogue.prompt(QualityTask.DEGRADATION, List.of(ImageTensor.of(32, 64, pixels)));
    }

    private static List<GrpoSample> rollouts(CompactVisionLanguagePolicy policy, long seed) {
        List<GrpoSample> samples = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int p = 0; p < 2; p++) {
            PolicyPrompt prompt = prompt(seed * 7 + p);
            for (GeneratedResponse response
                    : policy.generate(prompt, 4, SamplingConstants.papers().forRollouts(12), seed + p)) {
                samples.add(new GrpoSample(prompt, response.tokenIds(), response.logProbs(),
                        random.nextDouble(-1, 1)));
            }
        }
        return samples;
    }

    @Test
    void manyRolloutAndUpdateStepsKeepLiveArraysFlat() {
        CompactModelConfig config = CompactModelConfig.compactDefault();
        try (PolicyTrainer trainer = new PolicyTrainer(CompactVisionLanguagePolicy.create(config, Device.cpu()),
                Optional.of(CompactVisionLanguagePolicy.create(config, Device.cpu())), MethodPreset.compact(),
                new LearningRateSchedule(1e-3, 0, 100), 100)) {
            CompactVisionLanguagePolicy policy = (CompactVisionLanguagePolicy) trainer.policy();
            trainer.grpoStep(rollouts(policy, 1)); // creates optimiser state and freezes the reference
            int policyArrays = policy.liveArrayCount();
            int trainerArrays = trainer.liveArrayCount();
            for (int step = 2; step <= 40; step++) {
                GrpoStepResult result = trainer.grpoStep(rollouts(policy, step));
                assertTrue(Double.isFinite(result.loss()), "loss at step " + step);
                assertEquals(policyArrays, policy.liveArrayCount(), "policy arrays after step " + step);
                assertEquals(trainerArrays, trainer.liveArrayCount(), "trainer arrays after step " + step);
            }
        }
    }

    @Test
    void grpoLossGradientThroughTheModelMatchesFiniteDifferences() {
        CompactModelConfig config = CompactModelConfig.compactDefault();
        GrpoSettings settings = GrpoSettings.visualQualityR1().withClip(0.2, 0.28);
        try (CompactVisionLanguagePolicy policy = CompactVisionLanguagePolicy.create(config, Device.cpu());
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            List<GrpoSample> samples = rollouts(policy, 3);
            List<PolicyPrompt> prompts = samples.stream().map(GrpoSample::prompt).toList();
            List<int[]> responses = samples.stream().map(GrpoSample::tokens).toList();
            int width = responses.stream().mapToInt(r -> r.length).max().orElseThrow();
            float[][] old = new float[samples.size()][width];
            float[] advantages = new float[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                float[] behaviour = samples.get(i).behaviourLogProbs();
                for (int t = 0; t < behaviour.length; t++) {
                    old[i][t] = behaviour[t] - 0.15f * ((t + i) % 3 - 1); // ratios away from 1: clipping active
                }
                advantages[i] = (float) samples.get(i).advantage();
            }
            NDArray oldLogProbs = manager.create(old);
            NDArray ref = manager.create(old).add(0.05f);
            NDArray mask = manager.create(CompletionMask.fromTokens(responses.toArray(new int[0][]),
                    policy.tokenizer().eosId(), width));
            NDArray advantageArray = manager.create(advantages);
            GrpoLoss loss = new GrpoLoss();
            java.util.function.DoubleSupplier lossValue = () -> {
                try (NDManager scope = manager.newSubManager(); AutogradPause paused = AutogradPause.begin()) {
                    NDArray logProbs = policy.responseLogProbs(scope, prompts, responses, 1.0);
                    return loss.compute(logProbs, oldLogProbs, ref, advantageArray, mask, settings).loss().getFloat();
                }
            };
            NDArray parameter = policy.trainableParameters().get(0);
            float[] analytic;
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logProbs = policy.responseLogProbs(scope, prompts, responses, 1.0);
                collector.backward(loss.compute(logProbs, oldLogProbs, ref, advantageArray, mask, settings).loss());
            }
            try (NDArray gradient = parameter.getGradient()) {
                analytic = gradient.toFloatArray();
            }
            float[] values = parameter.toFloatArray();
            int checked = 0;
            float epsilon = 1e-2f;
            for (int index = 0; index < values.length && checked < 6; index += 997) {
                double plus = lossAt(parameter, values, index, epsilon, lossValue);
                double minus = lossAt(parameter, values, index, -epsilon, lossValue);
                lossAt(parameter, values, index, 0f, lossValue);
                double numeric = (plus - minus) / (2 * epsilon); // central difference
                double scale = Math.max(1e-3, Math.max(Math.abs(numeric), Math.abs(analytic[index])));
                assertEquals(numeric, analytic[index], 5e-2 * scale,
                        "d loss / d " + policy.trainableParameterNames().get(0) + "[" + index + "]");
                checked++;
            }
            assertEquals(6, checked);
        }
    }

    private static double lossAt(NDArray parameter, float[] values, int index, float delta,
            java.util.function.DoubleSupplier loss) {
        float[] shifted = values.clone();
        shifted[index] += delta;
        try (AutogradPause paused = AutogradPause.begin()) {
            parameter.set(FloatBuffer.wrap(shifted));
        }
        return loss.getAsDouble();
    }
}
