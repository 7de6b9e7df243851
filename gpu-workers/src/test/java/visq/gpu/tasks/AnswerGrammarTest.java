package visq.gpu.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.rewards.ParsedComparison;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.rewards.ParsedScore;

class AnswerGrammarTest {

    /** The text after {@code <answer>} in a whole response. */
    private static String region(String response) {
        return response.substring(response.indexOf(AnswerGrammar.OPEN) + AnswerGrammar.OPEN.length());
    }

    @Test
    void everyTemplateAnswerIsCompleteAndParses() {
        List<DegradationLabel> labels = new ArrayList<>(List.of(DegradationLabel.none()));
        for (DegradationClass c : DegradationClass.values()) {
            for (Severity s : Severity.values()) {
                labels.add(DegradationLabel.of(c, s));
            }
        }
        AnswerGrammar degradation = AnswerGrammar.of(QualityTask.DEGRADATION);
        for (DegradationLabel label : labels) {
            String response = ResponseTemplates.degradation(label);
            assertTrue(degradation.isComplete(region(response)), response);
            assertInstanceOf(ParsedDegradation.Answer.class, AnswerParser.qInsightDegradation(response));
        }
        AnswerGrammar score = AnswerGrammar.of(QualityTask.SCORE);
        AnswerGrammar number = AnswerGrammar.of(QualityTask.SCORE_NUMBER);
        for (int hundredths = 100; hundredths <= 500; hundredths++) {
            double mos = hundredths / 100.0;
            String json = ResponseTemplates.score(mos);
            String bare = ResponseTemplates.scoreNumber(mos);
            assertTrue(score.isComplete(region(json)), json);
            assertTrue(number.isComplete(region(bare)), bare);
            assertEquals(mos, ((ParsedScore.Score) AnswerParser.qInsightRating(json)).value(), 1e-9);
            assertEquals(mos, ((ParsedScore.Score) AnswerParser.visualQualityScore(bare)).value(), 1e-9);
        }
    }

    @Test
    void toleratesWhitespaceAPretrainedModelMayWrite() {
        AnswerGrammar score = AnswerGrammar.of(QualityTask.SCORE);
        assertTrue(score.isComplete("{\"rating\":3.5}</answer>"));
        assertTrue(score.isComplete(" {\"rating\" : 4 }\n</answer>"));
        assertTrue(AnswerGrammar.of(QualityTask.SCORE_NUMBER).isComplete("5.000</answer>"));
        AnswerGrammar comparison = AnswerGrammar.of(QualityTask.COMPARISON);
        for (String answer : List.of("Image A", "\"Image B\"", "Similar.")) {
            String response = "<think>\nx\n</think>\n<answer>\n" + answer + "\n</answer>";
            assertTrue(comparison.isComplete(region(response)), answer);
            assertInstanceOf(ParsedComparison.Choice.class, AnswerParser.comparison(response));
        }
    }

    @Test
    void refusesAnswersOffTheScaleOrMalformed() {
        AnswerGrammar number = AnswerGrammar.of(QualityTask.SCORE_NUMBER);
        // the greedy failures seen in session 10's runs: a lost decimal point, text after the number
        for (String bad : List.of("4432</answer>", "5.5</answer>", "0.9</answer>", "6</answer>", "3.4567</answer>",
                "3.</answer>", "m.42</answer>")) {
            assertFalse(number.isComplete(bad), bad);
            assertFalse(number.isViablePrefix(bad), bad);
        }
        AnswerGrammar score = AnswerGrammar.of(QualityTask.SCORE);
        assertFalse(score.isViablePrefix("\n{\"rating\": 3. C"));
        assertFalse(score.isViablePrefix("\n{\"rating\": 3.4}\n</answer>x"));
        AnswerGrammar degradation = AnswerGrammar.of(QualityTask.DEGRADATION);
        assertFalse(degradation.isViablePrefix("\n{\"distortion_class\": \"serious\""));
        assertFalse(degradation.isViablePrefix("\n{\"distortion_class\": null, \"severity\": \"slight\""),
                "no severity without a class");
        assertFalse(degradation.isViablePrefix("\n{\"distortion_class\": \"noise\", \"severity\": null"),
                "no class without a severity");
    }

    @Test
    void prefixesOfAnAnswerAreViableButNotComplete() {
        String answer = region(ResponseTemplates.degradation(DegradationLabel.of(DegradationClass.NOISE,
                Severity.MODERATE)));
        AnswerGrammar degradation = AnswerGrammar.of(QualityTask.DEGRADATION);
        for (int end = 0; end < answer.length(); end++) {
            String prefix = answer.substring(0, end);
            assertTrue(degradation.isViablePrefix(prefix), prefix);
            assertFalse(degradation.isComplete(prefix), prefix);
        }
        AnswerGrammar number = AnswerGrammar.of(QualityTask.SCORE_NUMBER);
        assertTrue(number.isViablePrefix("\n4"));
        assertTrue(number.isViablePrefix("\n4.2"));
        assertTrue(number.isViablePrefix("\n5"));
        assertFalse(number.isViablePrefix("\n5.1"));
    }
}
