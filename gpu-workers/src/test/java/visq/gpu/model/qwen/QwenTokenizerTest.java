package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * Qwen's real tokenizer (shared/models/qwen-tokenizer) against the ids Python's tokenizers gives for the same
 * tokenizer.json (qwen/real-tokenizer-golden.json, written by tools/qwen-reference/make_fixtures.py).
 */
class QwenTokenizerTest {

    private static QwenTokenizer real;

    @BeforeAll
    static void load() {
        real = QwenTokenizer.load(QwenCheckpointFixtures.realTokenizer());
    }

    @AfterAll
    static void close() {
        real.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> goldenTexts() {
        return (Map<String, Map<String, Object>>) QwenCheckpointFixtures
                .json(QwenCheckpointFixtures.resource("real-tokenizer-golden.json")).get("texts");
    }

    static int[] ints(Object list) {
        List<?> values = (List<?>) list;
        int[] ints = new int[values.size()];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = ((Double) values.get(i)).intValue();
        }
        return ints;
    }

    @Test
    void encodesAndDecodesEveryGoldenTextAsPythonTokenizersDoes() {
        Map<String, Map<String, Object>> texts = goldenTexts();
        assertTrue(texts.size() >= 5, "golden texts: " + texts.keySet());
        for (Map.Entry<String, Map<String, Object>> entry : texts.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> golden = entry.getValue();
            int[] ids = ints(golden.get("ids"));
            assertArrayEquals(ids, real.encode((String) golden.get("text")), name);
            assertEquals(golden.get("decoded_skip_special"), real.decode(ids), name);
            assertEquals(golden.get("decoded"), real.decode(ids, false), name);
        }
    }

    @Test
    void specialIdsAreThoseOfThePublishedQwenCheckpoints() {
        // Qwen/Qwen2.5-VL-7B-Instruct config.json: bos_token_id (<|endoftext|>) 151643, eos_token_id (<|im_end|>)
        // 151645, vision_start 151652, vision_end 151653, image 151655, video 151656; <|im_start|> is 151644 in
        // its tokenizer.json.
        assertEquals(151645, real.eosId());
        assertEquals(151643, real.padId());
        assertEquals(151644, real.bosId());
        QwenSpecialTokens special = real.specialTokens();
        assertEquals(new QwenSpecialTokens(151655, 151656, 151652, 151653, 151644, 151645, 151643), special);
        // the shared tokenizer.json: 151,643 vocabulary ids and added tokens up to id 151,668
        assertEquals(151669, real.vocabularySize());
    }

    @Test
    void specialTokensInTextAreRecognisedAndSkippedWhenDecoding() {
        int[] ids = real.encode("<|im_start|>assistant\nok<|im_end|>");
        assertEquals(real.bosId(), ids[0]);
        assertEquals(real.eosId(), ids[ids.length - 1]);
        assertEquals("assistant\nok", real.decode(ids));
    }

    @Test
    void idsBeyondTheTokenizerDecodeToNothing() {
        // Qwen2.5-VL-7B's embedding has 152,064 rows, more than the tokenizer's 151,669 ids: a sampled id from the
        // padding rows must not break decoding
        int[] english = real.encode("quality");
        int[] withPadding = {english[0], 152_000, real.vocabularySize()};
        assertEquals(real.decode(english), real.decode(withPadding));
    }

    @Test
    void chatTemplateRendersAndEncodesTheGoldenChatPrompt() {
        Map<String, Object> golden = goldenTexts().get("chat_prompt");
        String user = "What is your overall rating on the quality of this picture?";
        assertEquals(golden.get("text"), QwenChatTemplate.render(null, new int[] {2}, user));
        assertArrayEquals(ints(golden.get("ids")), new QwenChatTemplate(real).encode(null, new int[] {2}, user));
    }

    @Test
    void concurrentEncodingGivesTheSameIds() throws Exception {
        Map<String, Map<String, Object>> texts = goldenTexts();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (Map<String, Object> golden : texts.values()) {
                            int[] ids = ints(golden.get("ids"));
                            if (!java.util.Arrays.equals(ids, real.encode((String) golden.get("text")))
                                    || !golden.get("decoded_skip_special").equals(real.decode(ids))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fixtureTokenizersLoadFromTheirCheckpoint() {
        for (String variant : QwenCheckpointFixtures.VARIANTS) {
            QwenCheckpoint checkpoint = QwenCheckpoint.read(QwenCheckpointFixtures.checkpoint(variant));
            try (QwenTokenizer tokenizer = QwenTokenizer.load(checkpoint)) {
                // golden.json special_token_ids and tokenizer_size of the variant
                Map<String, Object> golden =
                        QwenCheckpointFixtures.json(QwenCheckpointFixtures.resource(variant + "/golden.json"));
                @SuppressWarnings("unchecked")
                Map<String, Object> ids = (Map<String, Object>) golden.get("special_token_ids");
                assertEquals(((Double) ids.get("<|im_end|>")).intValue(), tokenizer.eosId(), variant);
                assertEquals(((Double) ids.get("<|endoftext|>")).intValue(), tokenizer.padId(), variant);
                assertEquals(((Double) ids.get("<|im_start|>")).intValue(), tokenizer.bosId(), variant);
                assertEquals(((Double) golden.get("tokenizer_size")).intValue(), tokenizer.vocabularySize(), variant);
                assertEquals(checkpoint.specialTokens(), tokenizer.specialTokens(), variant);
            }
        }
    }

    @Test
    void aMissingTokenizerIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) {
        InvalidCheckpointException error =
                assertThrows(InvalidCheckpointException.class, () -> QwenTokenizer.load(dir));
        assertEquals("tokenizer file " + dir.resolve("tokenizer.json") + " is missing", error.getMessage());
    }
}
