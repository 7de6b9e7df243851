package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import visq.gpu.image.DegradationClass;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.image.Severity;

class CompactTokenizerTest {

    private final CompactTokenizer tokenizer = CompactTokenizer.instance();

    @Test
    void everyAsciiStringRoundTrips() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(0, 60);
            for (int i = 0; i < length; i++) {
                s.append((char) random.nextInt(0, 128));
            }
            assertEquals(s.toString(), tokenizer.decode(tokenizer.encode(s.toString())));
        }
        for (String text : PromptCatalogue.allTexts()) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        }
        String answer = "<think>\nThe image is slightly blurry.\n</think>\n<answer>\n"
                + "{\"distortion_class\": \"blur\", \"severity\": \"moderate\"}\n</answer>";
        assertEquals(answer, tokenizer.decode(tokenizer.encode(answer)));
    }

    @Test
    void nonAsciiBecomesQuestionMarks() {
        assertEquals("caf? ? ok", tokenizer.decode(tokenizer.encode("café \uD83D\uDE00 ok")));
    }

    @Test
    void everyAnswerAndPromptWordIsOneToken() {
        List<String> words = new ArrayList<>(List.of(
                "<think>", "</think>", "<answer>", "</answer>", "\n", "rating", "distortion_class", "severity",
                "null", "Image A", "Image B", "Similar", "{", "}", "\"", ":", ",", "."));
        for (DegradationClass c : DegradationClass.values()) {
            words.add(c.answerName());
        }
        for (Severity s : Severity.values()) {
            words.add(s.answerName());
        }
        for (int digit = 0; digit <= 9; digit++) {
            words.add(Integer.toString(digit));
        }
        Matcher m = Pattern.compile("[A-Za-z_]+").matcher(String.join(" ", PromptCatalogue.allTexts()));
        while (m.find()) {
            words.add(m.group());
            words.add(" " + m.group());
        }
        for (String word : words) {
            assertEquals(1, tokenizer.encode(word).length, () -> "'" + word + "' is not one token");
        }
    }

    @Test
    void answersAreCompact() {
        int[] ids = tokenizer.encode("<think>\nsharp\n</think>\n<answer>\n{\"rating\": 3.45}\n</answer>");
        assertTrue(ids.length <= 16, "answer took " + ids.length + " tokens");
        int promptTokens = tokenizer.encode(PromptCatalogue.Q_INSIGHT_SYSTEM).length;
        int words = PromptCatalogue.Q_INSIGHT_SYSTEM.split("\\s+").length;
        assertTrue(promptTokens <= words * 2, promptTokens + " tokens for " + words + " words");
    }

    @Test
    void specialsAreNeverEncodedAndDecodeToNothing() {
        int[] ids = tokenizer.encode("<pad><bos><eos><image>");
        for (int id : ids) {
            assertTrue(id > 3);
        }
        assertEquals("<pad><bos><eos><image>", tokenizer.decode(ids));
        assertEquals("a", tokenizer.decode(new int[] {tokenizer.bosId(), tokenizer.encode("a")[0],
                tokenizer.eosId(), tokenizer.padId()}));
        assertEquals(0, tokenizer.padId());
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertEquals(3, tokenizer.imageId());
        assertArrayEquals(new int[0], tokenizer.encode(""));
        assertTrue(tokenizer.vocabularySize() < 2_000, "vocabulary " + tokenizer.vocabularySize());
    }
}
