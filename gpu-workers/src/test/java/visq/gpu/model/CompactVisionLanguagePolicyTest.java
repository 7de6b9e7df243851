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
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.SamplingConstants;
import visq.protocol.artifacts.TensorEntry;
import visq.protocol.artifacts.WeightSnapshot;

/** Generation, scoring and weight exchange of the compact policy, on real DJL/PyTorch. */
@ExtendWith(OneIntraOpThread.class)
class CompactVisionLanguagePolicyTest {

    private static CompactVisionLanguagePolicy model;
    private static NDManager testManager;

    @BeforeAll
    static void createModel() {
        model = CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(), Device.cpu());
        testManager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void closeModel() {
        model.close();
        testManager.close();
    }

    @Test
    void exposesItsContract() {
        assertEquals(CompactModelConfig.COMPACT_MODEL_ID, model.modelId());
        assertEquals(0, model.weightVersion());
        assertEquals(model.trainableParameters().size(), model.trainableParameterNames().size());
        for (NDArray parameter : model.trainableParameters()) {
            assertTrue(parameter.hasGradient());
        }
        assertTrue(model.parameterCount() > 100_000 && model.parameterCount() < 1_000_000,
                "parameters: " + model.parameterCount());
    }

    @Test
    void sameSeedSameInitialWeights() {
        try (CompactVisionLanguagePolicy twin = CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(),
                Device.cpu())) {
            assertEquals(model.exportWeights(0).sha256(), twin.exportWeights(0).sha256());
        }
        try (CompactVisionLanguagePolicy other = CompactVisionLanguagePolicy.create(
                CompactModelConfig.compactDefault().withInitSeed(1), Device.cpu())) {
            assertNotEquals(model.exportWeights(0).sha256(), other.exportWeights(0).sha256());
        }
    }

    @Test
    void generatesCountResponsesOfBoundedLength() {
        int max = 12;
        List<GeneratedResponse> out = model.generate(TestPrompts.score(1), 5,
                SamplingSettings.sampling(1.0, 0, 1.0, max), 3);
        assertEquals(5, out.size());
        for (GeneratedResponse r : out) {
            assertTrue(r.length() >= 1 && r.length() <= max);
            assertEquals(r.tokenIds().length, r.logProbs().length);
            int[] ids = r.tokenIds();
            for (int i = 0; i < ids.length - 1; i++) {
                assertNotEquals(model.tokenizer().eosId(), ids[i], "eos only at the end");
            }
            assertEquals(r.finished(), ids[ids.length - 1] == model.tokenizer().eosId());
            if (!r.finished()) {
                assertEquals(max, r.length());
            }
            int textLength = r.finished() ? ids.length - 1 : ids.length;
            assertEquals(model.tokenizer().decode(java.util.Arrays.copyOf(ids, textLength)), r.text());
            for (float lp : r.logProbs()) {
                assertTrue(lp <= 0 && Float.isFinite(lp));
            }
        }
    }

    @Test
    void deterministicForASeed() {
        PolicyPrompt prompt = TestPrompts.prompt(QualityTask.DEGRADATION, 2);
        SamplingSettings sampling = SamplingConstants.papers().forRollouts(16);
        List<GeneratedResponse> a = model.generate(prompt, 4, sampling, 11);
        List<GeneratedResponse> b = model.generate(prompt, 4, sampling, 11);
        List<GeneratedResponse> c = model.generate(prompt, 4, sampling, 12);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertNotEquals(a.get(0), a.get(1), "samples of one group differ");
    }

    @Test
    void topKOneEqualsGreedy() {
        PolicyPrompt prompt = TestPrompts.score(3);
        List<GeneratedResponse> greedy = model.generate(prompt, 2, SamplingSettings.greedy(20), 1);
        List<GeneratedResponse> topOne = model.generate(prompt, 2, SamplingSettings.sampling(1.0, 1, 1.0, 20), 99);
        assertEquals(greedy, topOne);
        assertEquals(greedy.get(0), greedy.get(1), "greedy rows are identical");
    }

    @Test
    void lowTemperatureConcentratesSampling() {
        PolicyPrompt prompt = TestPrompts.score(4);
        double hot = meanLogProb(model.generate(prompt, 8, SamplingSettings.sampling(1.5, 0, 1.0, 10), 5));
        double cold = meanLogProb(model.generate(prompt, 8, SamplingSettings.sampling(0.05, 0, 1.0, 10), 5));
        assertTrue(cold > hot, "cold " + cold + " vs hot " + hot);
    }

    @Test
    void kvCacheGenerationEqualsRecomputation() {
        for (QualityTask task : new QualityTask[] {QualityTask.SCORE, QualityTask.COMPARISON}) {
            PolicyPrompt prompt = TestPrompts.prompt(task, 8);
            SamplingSettings sampling = SamplingSettings.sampling(1.0, 0, 1.0, 14);
            List<GeneratedResponse> cached = model.generate(prompt, 3, sampling, 21);
            List<GeneratedResponse> recomputed = model.generateWithoutCache(prompt, 3, sampling, 21);
            for (int i = 0; i < cached.size(); i++) {
                assertArrayEquals(recomputed.get(i).tokenIds(), cached.get(i).tokenIds());
                assertArrayEquals(recomputed.get(i).logProbs(), cached.get(i).logProbs(), 1e-4f);
            }
        }
    }

    @Test
    void rowsFinishingAtDifferentStepsMatchRecomputationAndScoring() throws Exception {
        try (CompactVisionLanguagePolicy eager = CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(),
                Device.cpu())) {
            TestPrompts.boostEos(eager, 0.03f);
            PolicyPrompt prompt = TestPrompts.prompt(QualityTask.COMPARISON, 12);
            SamplingSettings sampling = SamplingConstants.papers().forRollouts(20);
            List<GeneratedResponse> cached = eager.generate(prompt, 8, sampling, 5);
            List<GeneratedResponse> recomputed = eager.generateWithoutCache(prompt, 8, sampling, 5);
            java.util.Set<Integer> lengths = new java.util.HashSet<>();
            int finished = 0;
            for (int i = 0; i < cached.size(); i++) {
                assertArrayEquals(recomputed.get(i).tokenIds(), cached.get(i).tokenIds());
                assertArrayEquals(recomputed.get(i).logProbs(), cached.get(i).logProbs(), 1e-4f);
                lengths.add(cached.get(i).length());
                finished += cached.get(i).finished() ? 1 : 0;
            }
            assertTrue(lengths.size() >= 3, "rows should finish at different steps: " + lengths);
            assertTrue(finished >= 4, finished + " rows finished");
            List<int[]> responses = new ArrayList<>();
            for (GeneratedResponse r : cached) {
                responses.add(r.tokenIds());
            }
            try (NDManager scope = testManager.newSubManager()) {
                float[] scored = eager.responseLogProbs(scope, java.util.Collections.nCopies(8, prompt), responses,
                        1.0).toFloatArray();
                int width = scored.length / 8;
                for (int i = 0; i < cached.size(); i++) {
                    float[] recorded = cached.get(i).logProbs();
                    for (int t = 0; t < recorded.length; t++) {
                        assertEquals(recorded[t], scored[i * width + t], 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void answerAllEqualsGreedyGenerationPromptByPrompt() {
        try (CompactVisionLanguagePolicy eager = CompactVisionLanguagePolicy.create(CompactModelConfig.compactDefault(),
                Device.cpu())) {
            TestPrompts.boostEos(eager, EAGER_EOS);
            List<PolicyPrompt> prompts = mixedPrompts();
            SamplingSettings greedy = SamplingSettings.greedy(24);
            List<GeneratedResponse> batched = eager.answerAll(prompts, greedy, 0);
            assertEquals(prompts.size(), batched.size());
            java.util.Set<Integer> lengths = new java.util.HashSet<>();
            for (int i = 0; i < prompts.size(); i++) {
                GeneratedResponse alone = eager.generate(prompts.get(i), 1, greedy, 0).get(0);
                assertSameAnswer(alone, batched.get(i), "prompt " + i);
                lengths.add(alone.length());
            }
            assertTrue(lengths.size() >= 2, "answers should have different lengths: " + lengths);
        }
    }

    @Test
    void answerAllSamplesEachPromptAsItsOwnGenerationWould() {
        List<PolicyPrompt> prompts = mixedPrompts();
        SamplingSettings sampling = SamplingConstants.papers().forRollouts(12);
        List<GeneratedResponse> batched = model.answerAll(prompts, sampling, 17);
        for (int i = 0; i < prompts.size(); i++) {
            GeneratedResponse alone = model.generate(prompts.get(i), 1, sampling, 17).get(0);
            assertSameAnswer(alone, batched.get(i), "prompt " + i);
        }
        assertEquals(List.of(), model.answerAll(List.of(), sampling, 17));
    }

    @Test
    void answerAllKeepsMemoryFlatAndRejectsWhatItCannotHold() {
        List<PolicyPrompt> prompts = mixedPrompts();
        model.answerAll(prompts, SamplingSettings.greedy(8), 0);
        int before = model.liveArrayCount();
        for (int call = 0; call < 20; call++) {
            model.answerAll(prompts, SamplingConstants.papers().forRollouts(8), call);
            assertEquals(before, model.liveArrayCount(), "live arrays after call " + call);
        }
        PolicyPrompt wrongSize = PromptCatalogue.prompt(QualityTask.SCORE,
                List.of(ImageTensor.of(16, 16, new byte[3 * 16 * 16])));
        assertThrows(IllegalArgumentException.class,
                () -> model.answerAll(List.of(TestPrompts.score(1), wrongSize), SamplingSettings.greedy(4), 0));
        assertEquals(before, model.liveArrayCount());
    }

    /**
     * The same text, token ids and end; log-probabilities to 1e-5 only: a batch of 9 rows runs other GEMM kernels
     * than a batch of 1, so float logits may differ in their last bits (measured: ~1e-7).
     */
    private static void assertSameAnswer(GeneratedResponse alone, GeneratedResponse batched, String what) {
        assertEquals(alone.text(), batched.text(), what);
        assertArrayEquals(alone.tokenIds(), batched.tokenIds(), what);
        assertEquals(alone.finished(), batched.finished(), what);
        assertArrayEquals(alone.logProbs(), batched.logProbs(), 1e-5f, what);
    }

    /** Eos boost under which greedy answers of {@link #mixedPrompts} end at different steps (5, 8 and 24 tokens). */
    private static final float EAGER_EOS = 0.0102f;

    /** Prompts of every task (one and three images), interleaved so sub-batches are not contiguous. */
    private static List<PolicyPrompt> mixedPrompts() {
        List<PolicyPrompt> prompts = new ArrayList<>();
        QualityTask[] tasks = QualityTask.values();
        for (int i = 0; i < 9; i++) {
            prompts.add(TestPrompts.prompt(tasks[i % tasks.length], 40 + i));
        }
        return prompts;
    }

    @Test
    void exportImportGivesBitIdenticalOutputs() throws Exception {
        try (CompactVisionLanguagePolicy source = CompactVisionLanguagePolicy.create(
                        CompactModelConfig.compactDefault().withInitSeed(77), Device.cpu());
                CompactVisionLanguagePolicy target = CompactVisionLanguagePolicy.create(
                        CompactModelConfig.compactDefault(), Device.cpu())) {
            PolicyPrompt prompt = TestPrompts.score(9);
            SamplingSettings greedy = SamplingSettings.greedy(24);
            List<GeneratedResponse> expected = source.generate(prompt, 2, greedy, 0);
            assertNotEquals(expected, target.generate(prompt, 2, greedy, 0));

            EncodedWeights weights = source.exportWeights(5);
            assertEquals(EncodedWeights.sha256Hex(weights.bytes()), weights.sha256());
            target.importWeights(weights);
            assertEquals(5, target.weightVersion());
            List<GeneratedResponse> actual = target.generate(prompt, 2, greedy, 0);
            assertEquals(expected, actual); // token ids and float log-probs compared bit for bit
            SamplingSettings sampling = SamplingConstants.papers().forRollouts(10);
            List<GeneratedResponse> sampledSource = source.generate(prompt, 3, sampling, 4);
            assertEquals(sampledSource, target.generate(prompt, 3, sampling, 4));
            assertEquals(WeightSnapshot.parseFrom(weights.bytes()).getTensorsList(),
                    WeightSnapshot.parseFrom(target.exportWeights(5).bytes()).getTensorsList());
        }
    }

    @Test
    void importRejectsMismatchesAndKeepsTheOldWeights() throws Exception {
        try (CompactVisionLanguagePolicy target = CompactVisionLanguagePolicy.create(
                CompactModelConfig.compactDefault().withInitSeed(3), Device.cpu())) {
            EncodedWeights before = target.exportWeights(0);
            EncodedWeights good = model.exportWeights(1);

            EncodedWeights badSha = new EncodedWeights(good.modelId(), 1, good.bytes(), "00" + good.sha256().substring(2));
            assertRejected(target, badSha, "sha256");

            WeightSnapshot snapshot = WeightSnapshot.parseFrom(good.bytes());
            WeightSnapshot otherModel = snapshot.toBuilder().setModelId("someone-else").build();
            assertRejected(target, EncodedWeights.of("someone-else", 1, otherModel.toByteArray()), "someone-else");
            assertRejected(target, EncodedWeights.of(good.modelId(), 1, otherModel.toByteArray()), "someone-else");

            TensorEntry first = snapshot.getTensors(0);
            TensorEntry reshaped = first.toBuilder().clearShape().addShape(first.getShape(1)).addShape(first.getShape(0))
                    .build();
            WeightSnapshot badShape = snapshot.toBuilder().setTensors(0, reshaped).build();
            assertRejected(target, EncodedWeights.of(good.modelId(), 1, badShape.toByteArray()), first.getName());

            WeightSnapshot missing = snapshot.toBuilder().removeTensors(snapshot.getTensorsCount() - 1).build();
            assertRejected(target, EncodedWeights.of(good.modelId(), 1, missing.toByteArray()), "lacks");

            TensorEntry truncated = first.toBuilder().setData(first.getData().substring(0, 8)).build();
            WeightSnapshot shortData = snapshot.toBuilder().setTensors(0, truncated).build();
            assertRejected(target, EncodedWeights.of(good.modelId(), 1, shortData.toByteArray()), "bytes");

            WeightSnapshot extra = snapshot.toBuilder()
                    .addTensors(TensorEntry.newBuilder().setName("bogus").addShape(1).setData(ByteString.copyFrom(
                            new byte[4])))
                    .build();
            assertRejected(target, EncodedWeights.of(good.modelId(), 1, extra.toByteArray()), "bogus");
            assertRejected(target, EncodedWeights.of(good.modelId(), 1, new byte[] {1, 2, 3}), "WeightSnapshot");

            assertEquals(before.sha256(), target.exportWeights(0).sha256(), "old weights kept");
            assertEquals(0, target.weightVersion());
        }
    }

    @Test
    void rejectsPromptsItCannotHoldInsteadOfTruncating() {
        PolicyPrompt wrongSize = PromptCatalogue.prompt(QualityTask.SCORE,
                List.of(ImageTensor.of(16, 16, new byte[3 * 16 * 16])));
        assertThrows(IllegalArgumentException.class,
                () -> model.generate(wrongSize, 1, SamplingSettings.greedy(4), 0));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> model.generate(TestPrompts.prompt(QualityTask.COMPARISON, 1), 1, SamplingSettings.greedy(480),
                        0));
        assertTrue(tooLong.getMessage().contains("never truncated"), tooLong.getMessage());
    }

    private static void assertRejected(PolicyModel target, EncodedWeights weights, String mentioned) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.importWeights(weights));
        assertTrue(e.getMessage().contains(mentioned), "message '" + e.getMessage() + "' should name " + mentioned);
    }

    private static double meanLogProb(List<GeneratedResponse> responses) {
        double sum = 0;
        int count = 0;
        for (GeneratedResponse r : responses) {
            for (float lp : r.logProbs()) {
                sum += lp;
                count++;
            }
        }
        return sum / count;
    }

    @Test
    void emptyResponsesScoreAsEmptyRows() {
        try (NDManager scope = testManager.newSubManager()) {
            NDArray scored = model.responseLogProbs(scope, List.of(TestPrompts.score(1), TestPrompts.score(2)),
                    List.of(new int[0], new int[] {5, 6}), 1.0);
            assertEquals(new Shape(2, 2), scored.getShape());
            float[] values = scored.toFloatArray();
            assertEquals(0.0, values[0], 0.0);
            assertEquals(0.0, values[1], 0.0);
            assertTrue(values[2] < 0 && values[3] < 0);
        }
    }
}
