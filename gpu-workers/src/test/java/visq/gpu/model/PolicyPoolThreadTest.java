package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PolicyPrompt;

/** The compact policy used from a pool thread (as actor dispatchers do): imports, generates and trains there. */
class PolicyPoolThreadTest {

    @Test
    void worksFromAPoolThreadWhoseGradModeIsOn() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CompactVisionLanguagePolicy model =
                        CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu());
                CompactVisionLanguagePolicy source = CompactVisionLanguagePolicy.create(
                        CompactModelConfig.compactDefault().withInitSeed(9), Device.cpu());
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
