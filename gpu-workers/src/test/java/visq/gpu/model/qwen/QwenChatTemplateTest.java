package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.gpu.model.checkpoint.SafetensorsFile;

/**
 * The chat template against each fixture variant's golden prompts: golden.json holds the messages and the text
 * transformers rendered, golden.safetensors the input ids after the processor's image-pad expansion
 * (tools/qwen-reference/make_fixtures.py).
 */
class QwenChatTemplateTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    /** The per-image pad counts of a golden prompt: grid_t * grid_h * grid_w / merge^2 of each image. */
    private static int[] padCounts(Map<String, Object> golden, Map<String, Object> prompt) {
        List<?> images = (List<?>) prompt.get("images");
        int[] counts = new int[images.size()];
        for (int i = 0; i < counts.length; i++) {
            int[] grid = QwenTokenizerTest.ints(map(map(golden.get("images")).get(images.get(i))).get("grid_thw"));
            counts[i] = grid[0] * grid[1] * grid[2] / 4;
        }
        return counts;
    }

    /** The system text of a golden prompt, or null when its messages have none. */
    private static String system(Map<String, Object> prompt) {
        Map<String, Object> first = map(((List<?>) prompt.get("messages")).get(0));
        return first.get("role").equals("system") ? (String) first.get("content") : null;
    }

    /** The user text of a golden prompt (its last content item). */
    private static String user(Map<String, Object> prompt) {
        List<?> messages = (List<?>) prompt.get("messages");
        List<?> content = (List<?>) map(messages.get(messages.size() - 1)).get("content");
        Map<String, Object> text = map(content.get(content.size() - 1));
        assertEquals("text", text.get("type"));
        return (String) text.get("text");
    }

    @Test
    void promptsEqualTheGoldenInputIdsOfEachVariant() {
        for (String variant : QwenCheckpointFixtures.VARIANTS) {
            Map<String, Object> golden =
                    QwenCheckpointFixtures.json(QwenCheckpointFixtures.resource(variant + "/golden.json"));
            try (QwenTokenizer tokenizer = QwenTokenizer.load(QwenCheckpointFixtures.checkpoint(variant));
                    SafetensorsFile tensors =
                            SafetensorsFile.open(QwenCheckpointFixtures.resource(variant + "/golden.safetensors"))) {
                QwenChatTemplate template = new QwenChatTemplate(tokenizer);
                for (String name : List.of("prompt1", "prompt2")) {
                    Map<String, Object> prompt = map(map(golden.get("prompts")).get(name));
                    int[] pads = padCounts(golden, prompt);
                    String rendered = (String) prompt.get("rendered");
                    assertEquals(rendered, QwenChatTemplate.render(system(prompt), onePadEach(pads), user(prompt)),
                            variant + " " + name + " (one pad per image, as the template renders it)");
                    long[] expected = tensors.longs(name + ".input_ids");
                    int[] actual = template.encode(system(prompt), pads, user(prompt));
                    assertEquals(expected.length, actual.length, variant + " " + name);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], variant + " " + name + " id " + i);
                    }
                    assertEquals(((Double) prompt.get("length")).intValue(), actual.length);
                }
            }
        }
    }

    private static int[] onePadEach(int[] pads) {
        int[] ones = new int[pads.length];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }

    @Test
    void textWithoutImagesAndTheDefaultSystem() {
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                + "<|im_start|>assistant\n", QwenChatTemplate.render(null, new int[0], "hi"));
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|>"
                + "<|image_pad|><|image_pad|><|vision_end|>hi<|im_end|>\n<|im_start|>assistant\n",
                QwenChatTemplate.render("S", new int[] {3}, "hi"));
        assertThrows(IllegalArgumentException.class, () -> QwenChatTemplate.render(null, new int[] {0}, "x"));
    }

    @Test
    void imagePadsEncodeToOneIdEach() {
        try (QwenTokenizer tokenizer = QwenTokenizer.load(QwenCheckpointFixtures.checkpoint("qwen2_vl"))) {
            int[] ids = new QwenChatTemplate(tokenizer).encode("s", new int[] {5, 7}, "");
            int image = tokenizer.specialTokens().imageTokenId();
            assertEquals(12, java.util.Arrays.stream(ids).filter(id -> id == image).count());
            assertArrayEquals(new int[] {tokenizer.specialTokens().imEndId()},
                    java.util.Arrays.copyOfRange(ids, indexAfterLast(ids, tokenizer.specialTokens().visionEndTokenId()),
                            indexAfterLast(ids, tokenizer.specialTokens().visionEndTokenId()) + 1));
        }
    }

    private static int indexAfterLast(int[] ids, int id) {
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == id) {
                return i + 1;
            }
        }
        throw new AssertionError("no id " + id);
    }
}
