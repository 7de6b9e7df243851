package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QInsightRankingScoreRewardTest {

    private static final double GAMMA = FidelityReward.GAMMA;
    private static final SampleTruth SLIGHT = new SampleTruth("kodak", 4.2, Optional.empty(), true);
    private static final SampleTruth SERIOUS = new SampleTruth("kodak", 2.6, Optional.empty(), true);

    private final QInsightRankingScoreReward reward =
            new QInsightRankingScoreReward(new FidelityReward(FidelitySettings.defaults()));

    private static String rating(String value) {
        return "<think>\nThe overall quality is fair.\n</think>\n<answer>\n{\"rating\": " + value + "}\n</answer>";
    }

    private List<List<ResponseReward>> rewards(List<String> slight, List<String> serious) {
        return reward.rewards(List.of(new ResponseGroup("kodak/slight", SLIGHT, slight),
                new ResponseGroup("kodak/serious", SERIOUS, serious)));
    }

    @Test
    void theRightOrderEarnsTheFidelityMaximumInClosedForm() {
        // method.md §2 with B = 2, K = 2 and both groups' scores equal (σ² = 0): p_k(i,j) = Φ((q − μ_j) / sqrt(γ))
        // is 1 or 0 exactly in double precision, p(slight, serious) = 1, so a response on the right side of the other
        // image earns sqrt(1 + γ) + sqrt(γ), one on the wrong side sqrt(γ) + sqrt(γ) (closed form, by hand).
        double right = Math.sqrt(1 + GAMMA) + Math.sqrt(GAMMA);
        double wrong = 2 * Math.sqrt(GAMMA);
        List<List<ResponseReward>> ordered = rewards(List.of(rating("4.00"), rating("4.00")),
                List.of(rating("2.00"), rating("2.00")));
        for (List<ResponseReward> group : ordered) {
            for (ResponseReward response : group) {
                assertEquals(right, response.task(), 1e-12);
                assertEquals(1.0, response.format(), "Q-Insight's strict format");
            }
        }
        List<List<ResponseReward>> reversed = rewards(List.of(rating("2.00"), rating("2.00")),
                List.of(rating("4.00"), rating("4.00")));
        assertEquals(wrong, reversed.get(0).get(0).task(), 1e-12);
        assertEquals(wrong, reversed.get(1).get(1).task(), 1e-12);
    }

    @Test
    void theTaskPartIsTheFidelityRewardOfTheParsedRatings() {
        // expected: FidelityReward (pinned by FidelityRewardTest's golden vectors) on the numbers the answers hold
        List<String> slight = List.of(rating("3.70"), rating("2.10"), rating("4.55"));
        List<String> serious = List.of(rating("2.40"), rating("3.90"), rating("1.25"));
        double[][] expected = new FidelityReward(FidelitySettings.defaults()).rewards(
                new double[][] {{3.70, 2.10, 4.55}, {2.40, 3.90, 1.25}}, new double[] {4.2, 2.6},
                List.of("kodak", "kodak"));
        List<List<ResponseReward>> actual = rewards(slight, serious);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[i][k], actual.get(i).get(k).task(), 1e-15);
            }
        }
        assertTrue(actual.get(0).get(2).task() > actual.get(0).get(1).task(), "rating the better crop higher pays");
    }

    @Test
    void anUnparsableRatingEarnsNothingAndALooseFormatNoFormatReward() {
        String bare = "<think>fair</think><answer>3.1</answer>";
        List<List<ResponseReward>> rewarded = rewards(List.of(rating("4.00"), bare),
                List.of(rating("2.00"), rating("2.50")));
        assertEquals(0.0, rewarded.get(0).get(1).task(), "FIXED_PENALTY: an answer without a rating earns 0");
        assertEquals(0.0, rewarded.get(0).get(1).format(), "a bare number is not the strict JSON format");
        assertEquals(Double.NaN, ((ParsedScore) rewarded.get(0).get(1).answer()).valueOrNaN());
    }

    @Test
    void groupsOfTwoDatasetsAreRefused() {
        SampleTruth other = new SampleTruth("kadid", 3.0, Optional.empty(), true);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> reward.rewards(List.of(
                new ResponseGroup("kodak/slight", SLIGHT, List.of(rating("4.00"), rating("3.00"))),
                new ResponseGroup("kadid/x", other, List.of(rating("3.00"), rating("2.00"))))));
        assertTrue(refused.getMessage().contains("kadid"), refused.getMessage());
    }

    @Test
    void theThresholdRewardRefusesARankingOnlyScore() {
        QInsightScoreReward threshold = new QInsightScoreReward(ScoreThresholdReward.qInsight());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> threshold.reward(rating("4.20"), new ResponseGroup("kodak/slight", SLIGHT, List.of())));
        assertTrue(refused.getMessage().contains("kodak/slight"), refused.getMessage());
        assertTrue(refused.getMessage().contains("only orders its ranking block"), refused.getMessage());
    }
}
