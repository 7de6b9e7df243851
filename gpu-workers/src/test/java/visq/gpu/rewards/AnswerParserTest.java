package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

class AnswerParserTest {

    private static final Map<String, Object> GOLDEN = Golden.load("parsing.json");

    @Test
    void everyGoldenCaseParsesAsTheIndependentImplementation() {
        for (Map<String, Object> c : Golden.objects(GOLDEN.get("cases"))) {
            String text = (String) c.get("text");
            String where = "parsing.json case " + text.replace("\n", "\\n");
            assertScore(c.get("q_insight_rating"), AnswerParser.qInsightRating(text), where + " q_insight_rating");
            assertScore(c.get("visualquality_score"), AnswerParser.visualQualityScore(text),
                    where + " visualquality_score");
            @SuppressWarnings("unchecked")
            Map<String, Object> degradation = (Map<String, Object>) c.get("degradation");
            ParsedDegradation parsed = AnswerParser.qInsightDegradation(text);
            if (degradation == null) {
                assertTrue(parsed.answer().isEmpty(), where + " degradation should be unparsable, got " + parsed);
            } else {
                ParsedDegradation.Answer answer = parsed.answer().orElseThrow(() -> new AssertionError(where));
                assertEquals(Optional.ofNullable((String) degradation.get("distortion_class")),
                        answer.distortionClass(), where + " distortion_class");
                assertEquals(Optional.ofNullable((String) degradation.get("severity")), answer.severity(),
                        where + " severity");
            }
            assertEquals(Optional.ofNullable((String) c.get("comparison")),
                    AnswerParser.comparison(text).preference().map(Preference::answerText), where + " comparison");
        }
    }

    private static void assertScore(Object expected, ParsedScore actual, String where) {
        if (expected == null) {
            assertFalse(actual.isParsed(), where + ": expected unparsable, got " + actual);
        } else {
            assertTrue(actual.isParsed(), where + ": expected " + expected + ", got " + actual);
            assertEquals((Double) expected, actual.valueOrNaN(), 0.0, where);
        }
    }

    @Test
    void unparsableResultsCarryAReason() {
        ParsedScore score = AnswerParser.qInsightRating("<answer>{\"rating\": [1]}</answer>");
        assertEquals(new ParsedScore.Unparsable("answer is not a flat JSON object: nested value at 11 (only flat "
                + "objects are accepted)"), score, "reason names the nested value");
        assertEquals(new ParsedScore.Unparsable("no <answer>...</answer> block"),
                AnswerParser.visualQualityScore("3.5"), "no block");
    }

    @Test
    void labelsOfDegradationAnswers() {
        ParsedDegradation.Answer blur = (ParsedDegradation.Answer) AnswerParser.qInsightDegradation(
                "<answer>{\"distortion_class\": \"blur\", \"severity\": \"moderate\"}</answer>");
        assertEquals(Optional.of(DegradationLabel.of(DegradationClass.BLUR, Severity.MODERATE)), blur.label(),
                "method.md §1 spelling");
        ParsedDegradation.Answer none = (ParsedDegradation.Answer) AnswerParser.qInsightDegradation(
                "<answer>{\"distortion_class\": null, \"severity\": null}</answer>");
        assertEquals(Optional.of(DegradationLabel.none()), none.label(), "nulls mean no distortion");
    }

    @Test
    void randomTextNeverThrows() {
        Random random = new Random(42);
        String alphabet = "<>/answerthink{}[]\":,.0123456789-+eE nulltrue\\\n";
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = (n % 3 == 0 ? "<answer>{" : "") + text + (n % 2 == 0 ? "</answer>" : "");
            AnswerParser.qInsightRating(s);
            AnswerParser.qInsightDegradation(s);
            AnswerParser.visualQualityScore(s);
            AnswerParser.comparison(s);
            FormatReward.Q_INSIGHT_STRICT.reward(s);
            FormatReward.VISUALQUALITY_R1.reward(s);
        }
    }
}
