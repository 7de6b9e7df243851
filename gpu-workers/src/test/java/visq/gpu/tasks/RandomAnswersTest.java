package visq.gpu.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;
import visq.gpu.rewards.AnswerParser;
import visq.gpu.rewards.ParsedDegradation;
import visq.gpu.rewards.ParsedScore;

/** The rl-first recipe's cold-start targets: well-formed answers with uniformly drawn labels. */
class RandomAnswersTest {

    @Test
    void degradationLabelsAreUniformOverNoneAndEveryClassAndSeverity() {
        int draws = 21_000;
        SplittableRandom random = new SplittableRandom(11);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < draws; i++) {
            counts.merge(RandomAnswers.degradationLabel(random).describe(), 1, Integer::sum);
        }
        assertEquals(21, counts.size(), "none and 4 classes x 5 severities: " + counts.keySet());
        // binomial closed form: n p = 1000, sd = sqrt(n p (1 - p)) = 30.9; five sd either side
        counts.forEach((label, count) -> assertTrue(Math.abs(count - 1000) < 5 * 30.9, label + ": " + count));
    }

    @Test
    void scoresAreUniformOverOneToFive() {
        int draws = 10_000;
        SplittableRandom random = new SplittableRandom(12);
        double sum = 0;
        double below2 = 0;
        for (int i = 0; i < draws; i++) {
            double score = RandomAnswers.score(random);
            assertTrue(score >= 1 && score <= 5, "score " + score);
            sum += score;
            below2 += score < 2 ? 1 : 0;
        }
        // uniform on [1, 5]: mean 3, sd 4 / sqrt(12) = 1.155, standard error 0.0115; P(score < 2) = 0.25, se 0.0043
        assertEquals(3.0, sum / draws, 5 * 0.0115);
        assertEquals(0.25, below2 / draws, 5 * 0.0043);
    }

    @Test
    void targetsAreWellFormedAnswersCarryingTheDrawnLabel() {
        for (long seed = 0; seed < 50; seed++) {
            DegradationLabel label = RandomAnswers.degradationLabel(new SplittableRandom(seed));
            ParsedDegradation parsed = AnswerParser.qInsightDegradation(
                    RandomAnswers.target(QualityTask.DEGRADATION, new SplittableRandom(seed)));
            ParsedDegradation.Answer answer = parsed.answer().orElseThrow();
            assertEquals(label.degradationClass().map(DegradationClass::answerName), answer.distortionClass());
            assertEquals(label.severity().map(Severity::answerName), answer.severity());

            double score = RandomAnswers.score(new SplittableRandom(seed));
            ParsedScore rating = AnswerParser.qInsightRating(
                    RandomAnswers.target(QualityTask.SCORE, new SplittableRandom(seed)));
            ParsedScore number = AnswerParser.visualQualityScore(
                    RandomAnswers.target(QualityTask.SCORE_NUMBER, new SplittableRandom(seed)));
            // the templates write two decimals
            assertEquals(score, rating.valueOrNaN(), 0.005 + 1e-9);
            assertEquals(score, number.valueOrNaN(), 0.005 + 1e-9);
        }
    }
}
