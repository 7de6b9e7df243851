package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import visq.gpu.tasks.PolicyPrompt;

/** Throughput of the compact policy on this machine (logged, loosely bounded), and use from a pool thread. */
class PolicySpeedTest {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySpeedTest.class);

    @Test
    void measuresGenerationAndTrainingSpeed() {
        int previous = PolicyModels.setIntraOpThreads(1);
        try {
            for (int threads : new int[] {1, 2}) {
                PolicyModels.setIntraOpThreads(threads);
                measure(threads);
            }
        } finally {
            PolicyModels.setIntraOpThreads(previous);
        }
    }

    private static void measure(int threads) {
        try (CompactVisionLanguagePolicy model =
                        CompactVisionLanguagePolicy.create(ModelConfig.compactDefault(), Device.cpu());
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            PolicyPrompt prompt = TestPrompts.score(1);
            SamplingSettings sampling = SamplingSettings.grpoDefaults(60);
            model.generate(prompt, 8, sampling, 0); // warm-up
            int tokens = 0;
            long start = System.nanoTime();
            int rounds = threads == 1 ? 3 : 1; // two threads can be very slow on a busy machine
            for (int i = 0; i < rounds; i++) {
                for (GeneratedResponse r : model.generate(prompt, 8, sampling, i + 1)) {
                    tokens += r.length();
                }
            }
            double generateSeconds = (System.nanoTime() - start) / 1e9;
            double tokensPerSecond = tokens / generateSeconds;

            List<PolicyPrompt> prompts = new ArrayList<>(Collections.nCopies(16, prompt));
            List<int[]> responses = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < 16; i++) {
                responses.add(random.ints(60, 4, model.tokenizer().vocabularySize()).toArray());
            }
            trainStep(model, manager, prompts, responses); // warm-up
            int steps = threads == 1 ? 5 : 2;
            start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainStep(model, manager, prompts, responses);
            }
            double msPerStep = (System.nanoTime() - start) / 1e6 / steps;
            String report = String.format("compact policy on %s, %d intra-op thread(s): generate 8x60 %.0f tokens/s"
                    + " (%d tokens in %.2f s); training forward+backward batch 16 x 60 tokens %.1f ms",
                    model.device(), threads, tokensPerSecond, tokens, generateSeconds, msPerStep);
            LOG.info(report);
            System.out.println(report);
            assertTrue(tokens >= rounds * 8 * 50, "an untrained model rarely stops early: " + tokens);
            assertTrue(msPerStep < 10_000, report);
        }
    }

    @Test
    void worksFromAPoolThreadWhoseGradModeIsOn() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CompactVisionLanguagePolicy model =
                        CompactVisionLanguagePolicy.create(ModelConfig.compactDefault(), Device.cpu());
                CompactVisionLanguagePolicy source = CompactVisionLanguagePolicy.create(
                        ModelConfig.compactDefault().withInitSeed(9), Device.cpu());
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            PolicyPrompt prompt = TestPrompts.score(2);
            List<GeneratedResponse> expected = source.generate(prompt, 2, SamplingSettings.greedy(12), 0);
            EncodedWeights weights = source.exportWeights(3);
            List<GeneratedResponse> actual = CompletableFuture.supplyAsync(() -> {
                model.importWeights(weights);
                List<GeneratedResponse> out = model.generate(prompt, 2, SamplingSettings.greedy(12), 0);
                int before = model.liveArrayCount();
                trainStep(model, manager, List.of(prompt), List.of(out.get(0).tokenIds()));
                model.zeroGradients();
                assertEquals(before, model.liveArrayCount());
                return out;
            }, pool).get();
            assertEquals(expected, actual);
            assertEquals(3, model.weightVersion());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void trainStep(PolicyModel model, NDManager manager, List<PolicyPrompt> prompts,
            List<int[]> responses) {
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logProbs = model.responseLogProbs(scope, prompts, responses, 1.0);
            collector.backward(logProbs.sum().neg());
        }
    }
}
