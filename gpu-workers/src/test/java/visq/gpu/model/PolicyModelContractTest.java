package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PolicyPrompt;
import visq.protocol.artifacts.WeightSnapshot;

/**
 * What every {@link PolicyModel} implementation promises, checked on real DJL/PyTorch. A subclass supplies the
 * model, a second model of the same config with other weights, a model of another base, and prompts of its layouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PolicyModelContractTest {

    private PolicyModel model;
    private NDManager scope;

    /** A new model at version 0. */
    protected abstract PolicyModel newModel();

    /** A model of the same config and layout whose trainable weights differ from {@link #newModel()}'s. */
    protected abstract PolicyModel newModelWithOtherWeights();

    /** A model whose snapshots must not load into {@link #newModel()}'s (another base or layout). */
    protected abstract PolicyModel newModelOfAnotherBase();

    /** At least three prompts, covering every layout the model batches separately, interleaved. */
    protected abstract List<PolicyPrompt> prompts();

    /** Response length for the generation checks (short keeps the test fast). */
    protected int maxNewTokens() {
        return 12;
    }

    @BeforeAll
    void createModel() {
        model = newModel();
        scope = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    void closeModel() {
        model.close();
        scope.close();
    }

    @Test
    void generationLogProbsEqualResponseLogProbsPerToken() {
        double temperature = 0.7;
        List<PolicyPrompt> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        List<float[]> recorded = new ArrayList<>();
        int seed = 0;
        for (PolicyPrompt prompt : prompts()) {
            SamplingSettings sampling = SamplingSettings.sampling(temperature, 50, 0.95, maxNewTokens());
            for (GeneratedResponse r : model.generate(prompt, 2, sampling, seed++)) {
                prompts.add(prompt);
                responses.add(r.tokenIds());
                recorded.add(r.logProbs());
            }
        }
        try (NDManager call = scope.newSubManager()) {
            NDArray scored = model.responseLogProbs(call, prompts, responses, temperature);
            int longest = responses.stream().mapToInt(r -> r.length).max().orElseThrow();
            assertEquals(new Shape(prompts.size(), longest), scored.getShape());
            float[] flat = scored.toFloatArray();
            for (int row = 0; row < prompts.size(); row++) {
                float[] expected = recorded.get(row);
                for (int t = 0; t < longest; t++) {
                    float actual = flat[row * longest + t];
                    if (t < expected.length) {
                        assertEquals(expected[t], actual, 1e-4, "row " + row + " token " + t);
                    } else {
                        assertEquals(0.0, actual, 0.0, "padding of row " + row);
                    }
                }
            }
        }
    }

    @Test
    void answerAllEqualsGenerateForEachPrompt() {
        List<PolicyPrompt> prompts = prompts();
        for (SamplingSettings sampling : List.of(
                SamplingSettings.greedy(maxNewTokens()), SamplingSettings.sampling(1.0, 0, 1.0, maxNewTokens()))) {
            List<GeneratedResponse> batched = model.answerAll(prompts, sampling, 17);
            assertEquals(prompts.size(), batched.size());
            for (int i = 0; i < prompts.size(); i++) {
                GeneratedResponse alone = model.generate(prompts.get(i), 1, sampling, 17).get(0);
                assertEquals(alone.text(), batched.get(i).text(), "prompt " + i);
                assertArrayEquals(alone.tokenIds(), batched.get(i).tokenIds(), "prompt " + i);
                assertEquals(alone.finished(), batched.get(i).finished(), "prompt " + i);
                // a batch runs other GEMM kernels than one row: the last float bits may differ
                assertArrayEquals(alone.logProbs(), batched.get(i).logProbs(), 1e-4f, "prompt " + i);
            }
        }
    }

    @Test
    void snapshotExportImportRoundTrips() throws Exception {
        try (PolicyModel source = newModelWithOtherWeights(); PolicyModel target = newModel()) {
            PolicyPrompt prompt = prompts().get(0);
            SamplingSettings greedy = SamplingSettings.greedy(maxNewTokens());
            List<GeneratedResponse> expected = source.generate(prompt, 2, greedy, 0);
            assertNotEquals(expected, target.generate(prompt, 2, greedy, 0), "the two models must differ");
            EncodedWeights weights = source.exportWeights(7);
            target.importWeights(weights);
            assertEquals(7, target.weightVersion());
            assertEquals(expected, target.generate(prompt, 2, greedy, 0));
            assertEquals(WeightSnapshot.parseFrom(weights.bytes()).getTensorsList(),
                    WeightSnapshot.parseFrom(target.exportWeights(7).bytes()).getTensorsList());
        }
    }

    @Test
    void aSnapshotOfAnotherBaseIsRefusedByName() {
        try (PolicyModel other = newModelOfAnotherBase(); PolicyModel target = newModel()) {
            assertNotEquals(other.modelId(), target.modelId());
            EncodedWeights before = target.exportWeights(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> target.importWeights(other.exportWeights(3)));
            assertTrue(e.getMessage().contains(other.modelId()), e.getMessage());
            assertEquals(before.sha256(), target.exportWeights(0).sha256(), "old weights kept");
            assertEquals(0, target.weightVersion());
        }
    }

    @Test
    void liveArrayCountStaysFlatOver200Generations() {
        List<PolicyPrompt> prompts = prompts();
        SamplingSettings sampling = SamplingSettings.sampling(1.0, 0, 1.0, 4);
        model.generate(prompts.get(0), 2, sampling, 0);
        int before = model.liveArrayCount();
        for (int i = 0; i < 200; i++) {
            model.generate(prompts.get(i % prompts.size()), 2, sampling, i);
            if (i % 50 == 49) {
                assertEquals(before, model.liveArrayCount(), "live arrays after generation " + i);
            }
        }
        try (NDManager call = scope.newSubManager()) {
            model.responseLogProbs(call, List.of(prompts.get(0)), List.of(new int[] {1, 2, 3}), 1.0);
        }
        assertEquals(before, model.liveArrayCount(), "live arrays after scoring");
    }
}
