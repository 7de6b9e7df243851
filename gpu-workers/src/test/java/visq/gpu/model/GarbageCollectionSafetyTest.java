package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.GrpoLoss;
import visq.gpu.training.GrpoSettings;
import visq.gpu.training.LearningRateSchedule;
import visq.gpu.training.LossAggregation;
import visq.gpu.training.MethodPreset;
import visq.gpu.training.PolicyTrainer;
import visq.gpu.training.SupervisedExample;

/**
 * Training arithmetic does not depend on when the JVM collects garbage or what other threads do.
 *
 * <p>Regression for a use-after-free: scalars passed to DJL ops as {@code Number}s live in Java direct buffers that
 * DJL closes right after the op, while autograd keeps them for backward; a GC between forward and backward gave
 * all-NaN gradients, and in a node where a rollout worker imported weights on another thread, training differed from
 * run to run. The expected values are the same computation without GC pressure (bit for bit).
 */
@ExtendWith(OneIntraOpThread.class)
class GarbageCollectionSafetyTest {
    /** Collects garbage, then allocates and fills direct buffers so that freed native memory is overwritten. */
    private static void collectAndReuseFreedMemory() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            List<ByteBuffer> churn = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(4 << (i % 8));
                while (buffer.hasRemaining()) {
                    buffer.put((byte) 0x7f);
                }
                churn.add(buffer);
            }
        }
    }

    private static List<PolicyPrompt> prompts() {
        return List.of(TestPrompts.prompt(QualityTask.DEGRADATION, 1), TestPrompts.score(2));
    }

    private static List<int[]> targets(TextTokenizer tokenizer) {
        return List.of(tokenizer.encode("<think>\nnoise\n</think>"), tokenizer.encode("<answer>\n3.5\n</answer>"));
    }

    /** Gradients of {@code objective} for every parameter, with or without a GC between forward and backward. */
    private static List<float[]> gradients(BiFunction<CompactVisionLanguagePolicy, NDManager, NDArray> objective,
            boolean collectBetween) {
        try (CompactVisionLanguagePolicy model =
                        CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu());
                NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = objective.apply(model, scope);
                if (collectBetween) {
                    collectAndReuseFreedMemory();
                }
                collector.backward(value);
            }
            List<float[]> gradients = new ArrayList<>();
            for (NDArray parameter : model.trainableParameters()) {
                try (NDArray gradient = parameter.getGradient()) {
                    gradients.add(gradient.toFloatArray());
                }
            }
            return gradients;
        }
    }

    private static void assertSameGradients(BiFunction<CompactVisionLanguagePolicy, NDManager, NDArray> objective) {
        List<float[]> calm = gradients(objective, false);
        List<float[]> collected = gradients(objective, true);
        for (int i = 0; i < calm.size(); i++) {
            float[] expected = calm.get(i);
            assertTrue(Double.isFinite(sum(expected)), "parameter " + i + " has a finite gradient without GC");
            assertArrayEquals(expected, collected.get(i), "gradient of parameter " + i + " after a GC");
        }
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) {
            total += v;
        }
        return total;
    }

    @Test
    void supervisedGradientsAreTheSameWhenGarbageIsCollectedBeforeBackward() {
        assertSameGradients((model, scope) ->
                model.sequenceNegativeLogLikelihood(scope, prompts(), targets(model.tokenizer())));
    }

    @Test
    void grpoGradientsAreTheSameWhenGarbageIsCollectedBeforeBackward() {
        GrpoSettings settings = new GrpoSettings(0.2, 0.2, 0.04, LossAggregation.CONSTANT_NORMALISER, 16, 1);
        assertSameGradients((model, scope) -> {
            List<int[]> responses = targets(model.tokenizer());
            int width = Math.max(responses.get(0).length, responses.get(1).length);
            NDArray logProbs = model.responseLogProbs(scope, prompts(), responses, 0.9);
            float[][] shifted = new float[2][width];
            float[][] mask = new float[2][width];
            for (int r = 0; r < 2; r++) {
                for (int t = 0; t < responses.get(r).length; t++) {
                    shifted[r][t] = -7f + 0.1f * t; // behaviour and reference log-probs near a uniform policy
                    mask[r][t] = 1f;
                }
            }
            NDArray old = scope.create(shifted);
            NDArray reference = scope.create(shifted).add(0.05f);
            return new GrpoLoss().compute(logProbs, old, reference, scope.create(new float[] {1.2f, -0.8f}),
                    scope.create(mask), settings).loss();
        });
    }

    @Test
    void supervisedTrainingIsTheSameWhileAnotherThreadImportsWeights() throws InterruptedException {
        double[] alone = supervisedLosses(false);
        double[] busy = supervisedLosses(true);
        assertArrayEquals(alone, busy, "losses of 25 supervised steps, alone vs beside a thread importing weights");
    }

    private static double[] supervisedLosses(boolean importerBeside) throws InterruptedException {
        CompactModelConfig config = CompactModelConfig.compactDefault();
        AtomicBoolean stop = new AtomicBoolean();
        double[] losses = new double[25];
        try (CompactVisionLanguagePolicy other = CompactVisionLanguagePolicy.create(config, Device.cpu());
                PolicyTrainer trainer = new PolicyTrainer(CompactVisionLanguagePolicy.create(config, Device.cpu()),
                        Optional.of(CompactVisionLanguagePolicy.create(config, Device.cpu())), MethodPreset.compact(),
                        new LearningRateSchedule(1e-3, 0, 1000), 100)) {
            EncodedWeights weights = other.exportWeights(1);
            Thread importer = new Thread(() -> {
                while (importerBeside && !stop.get()) {
                    other.importWeights(weights);
                }
            });
            importer.start();
            try {
                TextTokenizer tokenizer = trainer.policy().tokenizer();
                for (int step = 0; step < losses.length; step++) {
                    List<SupervisedExample> batch = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        int[] text = tokenizer.encode("<think>\nimage " + (step + i) + " is sharp\n</think>");
                        int[] target = Arrays.copyOf(text, text.length + 1);
                        target[text.length] = tokenizer.eosId();
                        batch.add(new SupervisedExample(
                                TestPrompts.prompt(QualityTask.values()[i % 2], step * 4L + i), target));
                    }
                    losses[step] = trainer.supervisedStep(batch).loss();
                }
            } finally {
                stop.set(true);
                importer.join();
            }
        }
        return losses;
    }
}
