package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

class QInsightRewardTest {

    private static final Map<String, Object> GOLDEN = Golden.load("q_insight_rewards.json");
    private final QInsightScoreReward scoreReward = new QInsightScoreReward(ScoreThresholdReward.qInsight());
    private final QInsightDegradationReward degradationReward =
            new QInsightDegradationReward(DegradationReward.qInsight());

    /** Asserts that {@code actual} has the format, task and total rewards of the golden case. */
    static void assertReward(Map<String, Object> golden, ResponseReward actual, String where) {
        assertEquals(List.of(Golden.number(golden.get("format")), Golden.number(golden.get("task")),
                Golden.number(golden.get("total"))), List.of(actual.format(), actual.task(), actual.total()), where);
    }

    @Test
    void scoreTaskTotalsMatchGoldens() {
        for (Map<String, Object> c : Golden.objects(GOLDEN.get("score"))) {
            String text = (String) c.get("text");
            double truth = Golden.number(c.get("truth"));
            String where = "q_insight_rewards.json score, truth " + truth + ", " + text.replace("\n", "\\n");
            assertReward(c, scoreReward.reward(text, truth), where);
        }
    }

    @Test
    void degradationTaskTotalsMatchGoldens() {
        for (Map<String, Object> c : Golden.objects(GOLDEN.get("degradation"))) {
            String text = (String) c.get("text");
            Optional<DegradationClass> cls = Optional.ofNullable((String) c.get("truth_class"))
                    .flatMap(DegradationClass::fromAnswerName);
            Optional<Severity> sev = Optional.ofNullable((String) c.get("truth_severity"))
                    .flatMap(Severity::fromAnswerName);
            DegradationLabel truth = new DegradationLabel(cls, sev);
            String where = "q_insight_rewards.json degradation, truth " + truth.describe() + ", "
                    + text.replace("\n", "\\n");
            assertReward(c, degradationReward.reward(text, truth), where);
        }
    }

    @Test
    void thresholdIsStrict() {
        // method.md §2: |pred − gt| < ε with ε = 0.35
        ScoreThresholdReward reward = ScoreThresholdReward.qInsight();
        assertEquals(1.0, reward.reward(new ParsedScore.Score(3.34), 3.0), "0.34 < 0.35");
        assertEquals(0.0, reward.reward(new ParsedScore.Score(3.36), 3.0), "0.36 >= 0.35");
        assertEquals(0.0, reward.reward(new ParsedScore.Unparsable("x"), 3.0), "unparsable gives 0");
    }

    @Test
    void degradationWeights() {
        // method.md §2: α1 = 0.25 for the class, α2 = 0.75 more for class and severity
        DegradationReward reward = DegradationReward.qInsight();
        DegradationLabel blurModerate = DegradationLabel.of(DegradationClass.BLUR, Severity.MODERATE);
        ParsedDegradation blurSerious = new ParsedDegradation.Answer(Optional.of("blur"), Optional.of("serious"));
        ParsedDegradation exact = new ParsedDegradation.Answer(Optional.of("blur"), Optional.of("moderate"));
        ParsedDegradation noiseModerate = new ParsedDegradation.Answer(Optional.of("noise"), Optional.of("moderate"));
        assertEquals(0.25, reward.reward(blurSerious, blurModerate), "class only: α1");
        assertEquals(1.0, reward.reward(exact, blurModerate), "class and severity: α1 + α2");
        assertEquals(0.0, reward.reward(noiseModerate, blurModerate), "severity without class earns nothing");
    }
}
