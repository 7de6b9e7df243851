package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.ndarray.ScalarArrays;
import visq.gpu.model.checkpoint.SafetensorsFile;
import visq.gpu.tasks.PolicyPrompt;

/**
 * The whole Qwen policy against transformers 5.18 on the committed tiny checkpoints (golden values of
 * {@code tools/qwen-reference/make_fixtures.py}): the prompt's token ids, greedy generation of 24 tokens, per-token
 * log-probabilities of a given response at two temperatures, the same with the PEFT adapter loaded, and the
 * adapter's gradients of the GRPO-style loss {@code -(A exp(lp - lp.detach())).sum() / T}, A = 0.7.
 */
class QwenPolicyGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_5_vl", "qwen2_vl"})
    void generationAndLogProbsEqualTheReference(String variant) {
        try (QwenVisionLanguagePolicy policy = QwenTestModels.policy(variant, QwenTestModels.fixtureLora());
                SafetensorsFile golden = QwenFixtures.golden(variant);
                NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            PolicyPrompt prompt = QwenTestModels.prompt1(variant);
            assertArrayEquals(golden.longs("prompt1.input_ids"), QwenTestModels.promptIds(policy, prompt));

            GeneratedResponse greedy = policy.generate(prompt, 1, SamplingSettings.greedy(24), 0).get(0);
            assertArrayEquals(toInts(golden.longs("prompt1.greedy_ids")), greedy.tokenIds(), "greedy tokens");

            int[] response = toInts(golden.longs("prompt1.response_ids"));
            for (String[] case_ : new String[][] {{"1.0", "prompt1.response_logprobs_t1"},
                    {"0.7", "prompt1.response_logprobs_t07"}}) {
                float[] actual = policy.responseLogProbs(scope, List.of(prompt), List.of(response),
                        Double.parseDouble(case_[0])).toFloatArray();
                double difference = QwenFixtures.maxAbsDifference(golden.floats(case_[1]), actual);
                System.out.printf("%s T=%s: max |log-prob difference| %.2e%n", variant, case_[0], difference);
                assertTrue(difference < 1e-4, variant + " T=" + case_[0] + ": max |log-prob difference| " + difference);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_5_vl", "qwen2_vl"})
    void thePeftAdapterGivesTheReferenceLogProbsAndGradients(String variant) {
        try (QwenVisionLanguagePolicy policy = QwenTestModels.policy(variant, QwenTestModels.fixtureLora());
                SafetensorsFile golden = QwenFixtures.golden(variant);
                NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            Map<String, float[]> adapter = PeftAdapterFiles.readTensors(
                    QwenFixtures.variant(variant).resolve("adapter"), policy.adapterLayout());
            policy.setAdapters(adapter);
            PolicyPrompt prompt = QwenTestModels.prompt1(variant);
            int[] response = toInts(golden.longs("prompt1.response_ids"));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logProbs = policy.responseLogProbs(scope, List.of(prompt), List.of(response), 1.0);
                double difference = QwenFixtures.maxAbsDifference(golden.floats("lora.prompt1.response_logprobs_t1"),
                        logProbs.toFloatArray());
                System.out.printf("%s with the PEFT adapter: max |log-prob difference| %.2e%n", variant, difference);
                assertTrue(difference < 1e-4, variant + " with adapter: max |log-prob difference| " + difference);
                NDArray ratio = logProbs.sub(logProbs.stopGradient()).exp();
                NDArray loss = ratio.mul(ScalarArrays.of(scope, 0.7)).sum().neg()
                        .div(ScalarArrays.of(scope, response.length));
                collector.backward(loss);
            }
            List<String> names = policy.trainableParameterNames();
            for (int i = 0; i < names.size(); i++) {
                String peftName = "base_model.model.model.language_model." + names.get(i).substring("model.".length());
                try (NDArray gradient = policy.trainableParameters().get(i).getGradient()) {
                    double difference = QwenFixtures.maxAbsDifference(golden.floats("lora.grad." + peftName),
                            gradient.toFloatArray());
                    System.out.printf("%s gradient of %s: max |difference| %.2e%n", variant, peftName, difference);
                    assertTrue(difference < 1e-4, variant + " gradient of " + peftName + ": max |difference| "
                            + difference);
                }
            }
            assertEquals(16, names.size());
        }
    }

    static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }
}
