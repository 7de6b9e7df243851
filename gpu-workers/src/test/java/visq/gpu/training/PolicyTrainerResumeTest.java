package visq.gpu.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.OneIntraOpThread;
import visq.gpu.model.TextTokenizer;
import visq.gpu.tasks.PolicyPrompt;

/**
 * A trainer that saves its weights and state after k steps, and a fresh trainer that restores them and takes the rest,
 * end with the same weights, byte for byte, as one trainer that took every step: inside the cold start's warm-up,
 * after it, and in the GRPO phase. The run: {@value #COLD_START} supervised steps (warm-up {@value #WARMUP}), then
 * {@value #GRPO} GRPO steps, on a real compact model.
 */
@ExtendWith(OneIntraOpThread.class)
class PolicyTrainerResumeTest {
    private static final int COLD_START = 6;
    private static final int WARMUP = 3;
    private static final int GRPO = 2;
    private static final CompactModelConfig CONFIG = CompactModelConfig.compactDefault();
    /** What a checkpoint keeps of a trainer after a step: the policy weights and the trainer state. */
    private record Saved(EncodedWeights weights, TrainerState state) {}

    private static PolicyTrainer trainer() {
        return new PolicyTrainer(CompactVisionLanguagePolicy.create(CONFIG, Device.cpu()),
                Optional.of(CompactVisionLanguagePolicy.create(CONFIG, Device.cpu())), MethodPreset.compact(),
                new LearningRateSchedule(1e-3, WARMUP, COLD_START), GRPO);
    }

    private static List<SupervisedExample> supervisedBatch(TextTokenizer tokenizer, int step) {
        List<SupervisedExample> batch = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int[] text = tokenizer.encode("<think>\nimage " + (step * 2 + i) + " is sharp\n</think>");
            int[] target = Arrays.copyOf(text, text.length + 1);
            target[text.length] = tokenizer.eosId();
            batch.add(new SupervisedExample(PolicyTrainerTest.prompt(step * 2L + i), target));
        }
        return batch;
    }

    /** Rollouts of the trainer's current policy, seeded by the step: the same weights give the same samples. */
    private static List<GrpoSample> rollouts(PolicyTrainer trainer, int step) {
        CompactVisionLanguagePolicy policy = (CompactVisionLanguagePolicy) trainer.policy();
        List<GrpoSample> samples = new ArrayList<>();
        SplittableRandom advantages = new SplittableRandom(step);
        for (int p = 0; p < 2; p++) {
            PolicyPrompt prompt = PolicyTrainerTest.prompt(1000L + step * 7 + p);
            for (GeneratedResponse response
                    : policy.generate(prompt, 3, SamplingConstants.papers().forRollouts(12), step * 10L + p)) {
                samples.add(new GrpoSample(prompt, response.tokenIds(), response.logProbs(),
                        advantages.nextDouble(-1, 1)));
            }
        }
        return samples;
    }

    /** Takes plan steps {@code from}..{@code to} (1-based): supervised through the cold start, then GRPO. */
    private static void train(PolicyTrainer trainer, int from, int to) {
        for (int step = from; step <= to; step++) {
            if (step <= COLD_START) {
                trainer.supervisedStep(supervisedBatch(trainer.policy().tokenizer(), step));
            } else {
                trainer.grpoStep(rollouts(trainer, step));
            }
            trainer.policy().setWeightVersion(step);
        }
    }

    private static Saved save(PolicyTrainer trainer, int step) {
        return new Saved(trainer.policy().exportWeights(step), trainer.exportState());
    }

    /** A fresh trainer continuing from {@code saved} after plan step {@code step}, to the end; its final weights. */
    private static byte[] resumed(Saved saved, int step) {
        try (PolicyTrainer trainer = trainer()) {
            trainer.policy().importWeights(saved.weights());
            trainer.policy().setWeightVersion(step);
            trainer.restore(saved.state());
            train(trainer, step + 1, COLD_START + GRPO);
            return trainer.policy().exportWeights(COLD_START + GRPO).bytes();
        }
    }

    @Test
    void aRestoredTrainerEndsWithTheWeightsOfAnUninterruptedOne() {
        int[] resumeAfter = {2, 4, COLD_START + 1};
        List<Saved> saved = new ArrayList<>();
        byte[] uninterrupted;
        byte[] initial;
        try (PolicyTrainer trainer = trainer()) {
            initial = trainer.policy().exportWeights(COLD_START + GRPO).bytes();
            int done = 0;
            for (int step : resumeAfter) {
                train(trainer, done + 1, step);
                saved.add(save(trainer, step));
                done = step;
            }
            train(trainer, done + 1, COLD_START + GRPO);
            uninterrupted = trainer.policy().exportWeights(COLD_START + GRPO).bytes();
        }
        assertFalse(Arrays.equals(initial, uninterrupted), "the run trains");
        assertEquals(2, saved.get(0).state().supervisedSteps(), "in the warm-up");
        assertEquals(4, saved.get(1).state().supervisedSteps(), "after the warm-up");
        assertEquals(COLD_START, saved.get(2).state().supervisedSteps(), "in the GRPO phase");
        assertEquals(1, saved.get(2).state().grpoOptimizerSteps(), "in the GRPO phase");
        for (int i = 0; i < resumeAfter.length; i++) {
            assertArrayEquals(uninterrupted, resumed(saved.get(i), resumeAfter[i]),
                    "resumed after step " + resumeAfter[i]);
        }
    }

    @Test
    void aSupervisedCountBeyondTheColdStartIsKeptAtItsLength() {
        try (PolicyTrainer trainer = trainer()) {
            TrainerState fresh = trainer.exportState();
            trainer.restore(new TrainerState(fresh.optimizer(), COLD_START + 5, 3, false, Optional.empty()));
            TrainerState restored = trainer.exportState();
            assertEquals(COLD_START, restored.supervisedSteps());
            assertEquals(3, restored.grpoOptimizerSteps());
        }
    }
}
