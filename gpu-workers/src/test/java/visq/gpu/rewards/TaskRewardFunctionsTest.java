package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

/**
 * Each task's reward, called through the seam ({@link TaskRewardFunction#rewards}), gives the numbers of the golden
 * files that the papers' reference code produced (generate_goldens.py), and carries the answer it parsed.
 */
class TaskRewardFunctionsTest {

    private static final Map<String, Object> Q_INSIGHT = Golden.load("q_insight_rewards.json");
    private static final Map<String, Object> FIDELITY = Golden.load("fidelity.json");

    private static ResponseGroup group(String sampleId, SampleTruth truth, String... responses) {
        return new ResponseGroup(sampleId, truth, List.of(responses));
    }

    @Test
    void qInsightScoreRewardGivesTheGoldenRewardsAndCarriesTheRating() {
        List<Map<String, Object>> cases = Golden.objects(Q_INSIGHT.get("score"));
        List<ResponseGroup> groups = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            groups.add(group("clive/" + groups.size(), new SampleTruth("clive", Golden.number(c.get("truth")),
                    Optional.empty()), (String) c.get("text")));
        }
        List<List<ResponseReward>> rewards = new QInsightScoreReward(ScoreThresholdReward.qInsight()).rewards(groups);
        assertEquals(cases.size(), rewards.size(), "one row per group");
        for (int g = 0; g < cases.size(); g++) {
            String text = (String) cases.get(g).get("text");
            ResponseReward reward = rewards.get(g).get(0);
            QInsightRewardTest.assertReward(cases.get(g), reward, "q_insight_rewards.json score case " + g);
            assertEquals(AnswerParser.qInsightRating(text), reward.answer(), "the parsed answer of case " + g);
        }
    }

    @Test
    void qInsightDegradationRewardGivesTheGoldenRewardsAndCarriesTheAnswer() {
        List<Map<String, Object>> cases = Golden.objects(Q_INSIGHT.get("degradation"));
        List<ResponseGroup> groups = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            DegradationLabel label = new DegradationLabel(
                    Optional.ofNullable((String) c.get("truth_class")).flatMap(DegradationClass::fromAnswerName),
                    Optional.ofNullable((String) c.get("truth_severity")).flatMap(Severity::fromAnswerName));
            groups.add(group("kodak/" + groups.size(), new SampleTruth("kodak", 3.0, Optional.of(label)),
                    (String) c.get("text")));
        }
        List<List<ResponseReward>> rewards =
                new QInsightDegradationReward(DegradationReward.qInsight()).rewards(groups);
        for (int g = 0; g < cases.size(); g++) {
            ResponseReward reward = rewards.get(g).get(0);
            QInsightRewardTest.assertReward(cases.get(g), reward, "q_insight_rewards.json degradation case " + g);
            assertEquals(AnswerParser.qInsightDegradation((String) cases.get(g).get("text")), reward.answer(),
                    "the parsed answer of case " + g);
        }
    }

    @Test
    void aDegradationGroupWithoutLabelIsRefusedNamingItsSample() {
        ResponseGroup unlabelled = group("clive/7.jpg", new SampleTruth("clive", 3.0, Optional.empty()), "x");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new QInsightDegradationReward(DegradationReward.qInsight()).rewards(List.of(unlabelled)));
        assertTrue(refused.getMessage().contains("clive/7.jpg"), refused.getMessage());
    }

    @Test
    void visualQualityR1RewardGivesTheGoldenFidelityOfTheScoresItParses() {
        // fidelity.json: the reward of every case and variant; each score written as VisualQuality-R1 answers it,
        // JSON null (unparsable) as an answer without a number; every response has the format, so format = 1
        for (Map<String, Object> c : Golden.objects(FIDELITY.get("cases"))) {
            double[][] scores = Golden.matrix(c.get("scores"));
            double[] mos = Golden.doubles(c.get("mos"));
            FidelityVariant variant = FidelityVariant.valueOf((String) c.get("variant"));
            List<ResponseGroup> groups = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                String[] texts = new String[scores[i].length];
                for (int k = 0; k < texts.length; k++) {
                    texts[k] = "<think>look</think><answer>"
                            + (Double.isNaN(scores[i][k]) ? "none" : Double.toString(scores[i][k])) + "</answer>";
                }
                groups.add(group("kadid10k/" + i, new SampleTruth("kadid10k", mos[i], Optional.empty()), texts));
            }
            List<List<ResponseReward>> rewards = new VisualQualityR1Reward(
                    new FidelityReward(FidelitySettings.defaults().withVariant(variant))).rewards(groups);
            double[][] expected = Golden.matrix(c.get("rewards"));
            for (int i = 0; i < expected.length; i++) {
                for (int k = 0; k < expected[i].length; k++) {
                    String where = "fidelity.json '" + c.get("name") + "' " + variant + " r[" + i + "][" + k + "]";
                    ResponseReward reward = rewards.get(i).get(k);
                    Golden.assertClose(expected[i][k], reward.task(), 1e-9, 1e-12, where);
                    assertEquals(1.0, reward.format(), where + " format");
                    assertEquals(Double.isNaN(scores[i][k]) ? OptionalDouble.empty() : OptionalDouble.of(scores[i][k]),
                            reward.answer().score(), where + " parsed score");
                }
            }
        }
    }
}
