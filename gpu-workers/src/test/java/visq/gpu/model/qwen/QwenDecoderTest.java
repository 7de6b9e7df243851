package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import visq.gpu.generation.KvCache;
import visq.gpu.model.checkpoint.SafetensorsFile;

/**
 * The decoder against transformers: given the reference's input embeddings ({@code hidden.0}, after the image
 * scatter) and 3-D position ids, every layer's hidden states and the logits agree within 1e-4; the KV-cache path
 * gives the same last logits.
 */
class QwenDecoderTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_5_vl", "qwen2_vl"})
    void logitsEqualTheReference(String variant) {
        QwenTextConfig text = fixtureText(variant);
        for (String prompt : List.of("prompt1", "prompt2")) {
            try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                    SafetensorsFile golden = QwenFixtures.golden(variant)) {
                Map<String, NDArray> tensors = QwenFixtures.checkpointTensors(manager, variant);
                QwenDecoderWeights weights = new QwenDecoderWeights(text, tensors::get);
                float[] embedded = golden.floats(prompt + ".hidden.0");
                int length = embedded.length / text.hiddenSize();
                NDArray embeds = manager.create(embedded, new Shape(1, length, text.hiddenSize()));
                long[] flat = golden.longs(prompt + ".position_ids");
                long[][] positions = new long[3][length];
                for (int axis = 0; axis < 3; axis++) {
                    System.arraycopy(flat, axis * length, positions[axis], 0, length);
                }
                QwenDecoder decoder = new QwenDecoder(text);
                NDArray[] cosSin = new MultimodalRotary(text).cosSin(manager, positions, 1, length);
                NDArray logits = decoder.logits(weights, decoder.forward(weights, null, embeds, cosSin, null));
                float[] expected = golden.floats(prompt + ".logits");
                double difference = QwenFixtures.maxAbsDifference(expected, logits.toFloatArray());
                System.out.printf("%s %s: max |logit difference| %.2e%n", variant, prompt, difference);
                assertTrue(difference < 1e-4, variant + " " + prompt + ": max |logit difference| " + difference);

                // the same through the KV cache: the prompt minus its last token, then the last token alone
                KvCache cache = new KvCache(manager, text.layers());
                decoder.forward(weights, null, embeds.get(":, :{}, :", length - 1),
                        new MultimodalRotary(text).cosSin(manager, slice(positions, 0, length - 1), 1, length - 1),
                        cache);
                NDArray last = decoder.logits(weights, decoder.forward(weights, null,
                        embeds.get(":, {}:, :", length - 1),
                        new MultimodalRotary(text).cosSin(manager, slice(positions, length - 1, length), 1, 1),
                        cache));
                int vocabulary = text.vocabSize();
                float[] lastExpected = new float[vocabulary];
                System.arraycopy(expected, (length - 1) * vocabulary, lastExpected, 0, vocabulary);
                double cached = QwenFixtures.maxAbsDifference(lastExpected, last.toFloatArray());
                System.out.printf("%s %s: KV cache, last logits max |difference| %.2e%n", variant, prompt, cached);
                assertTrue(cached < 1e-4, variant + " " + prompt + ": cached max |difference| " + cached);
                assertEquals(length, cache.length());
            }
        }
    }

    /** The text config of the fixtures' config.json (both variants; 2-VL ties its head). */
    private static QwenTextConfig fixtureText(String variant) {
        return new QwenTextConfig(512, 64, 128, 2, 4, 2, 1e-6, 1_000_000.0, new int[] {2, 3, 3}, 4096,
                variant.equals("qwen2_vl"));
    }

    private static long[][] slice(long[][] positions, int from, int to) {
        long[][] out = new long[positions.length][];
        for (int axis = 0; axis < positions.length; axis++) {
            out[axis] = java.util.Arrays.copyOfRange(positions[axis], from, to);
        }
        return out;
    }
}
