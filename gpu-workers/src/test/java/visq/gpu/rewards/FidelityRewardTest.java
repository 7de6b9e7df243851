package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class FidelityRewardTest {

    private static final Map<String, Object> GOLDEN = Golden.load("fidelity.json");

    private static List<String> oneDataset(int images) {
        return Collections.nCopies(images, "kadid10k");
    }

    @Test
    void rewardsMatchGoldensForEveryVariantTieAndUnparsableCase() {
        for (Map<String, Object> c : Golden.objects(GOLDEN.get("cases"))) {
            double[][] scores = Golden.matrix(c.get("scores"));
            double[] mos = Golden.doubles(c.get("mos"));
            FidelityVariant variant = FidelityVariant.valueOf((String) c.get("variant"));
            FidelityReward reward = new FidelityReward(FidelitySettings.defaults().withVariant(variant));
            double[][] expected = Golden.matrix(c.get("rewards"));
            double[][] actual = reward.rewards(scores, mos, oneDataset(scores.length));
            for (int i = 0; i < expected.length; i++) {
                for (int k = 0; k < expected[i].length; k++) {
                    Golden.assertClose(expected[i][k], actual[i][k], 1e-9, 1e-12,
                            "fidelity.json '" + c.get("name") + "' " + variant + " r[" + i + "][" + k + "]");
                }
            }
        }
    }

    @Test
    void aResponseThatOrdersThePairAsTheMosDoesEarnsMore() {
        // property (method.md §2): image 0 has the higher MOS; response 0 ranks it above image 1, response 1 below
        FidelityReward reward = new FidelityReward(FidelitySettings.defaults());
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            double partner = 1 + 4 * random.nextDouble();
            double[][] scores = {
                {partner + 0.1 + random.nextDouble(), partner - 0.1 - random.nextDouble(), 1 + 4 * random.nextDouble()},
                {partner - 0.2, partner + 0.2, partner},
            };
            double[][] r = reward.rewards(scores, new double[] {4.0, 2.0}, oneDataset(2));
            assertTrue(r[0][0] > r[0][1], "trial " + trial + ": agreeing response earns more");
        }
    }

    @Test
    void unparsableResponsesGetZeroWhichIsBelowEveryParsedResponse() {
        // FidelityReward javadoc: fixed penalty 0 < 2·sqrt(γ) <= any parsed response's reward
        double nan = Double.NaN;
        double[][] scores = {{nan, 1.0, 1.1}, {5.0, 4.9, nan}, {3.0, 3.0, 3.0}};
        double[][] r = new FidelityReward(FidelitySettings.defaults())
                .rewards(scores, new double[] {5, 1, 3}, oneDataset(3));
        assertEquals(0.0, r[0][0], "closed form: penalty 0");
        assertEquals(0.0, r[1][2], "closed form: penalty 0");
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                if (!Double.isNaN(scores[i][k])) {
                    assertTrue(r[i][k] >= 2 * Math.sqrt(FidelityReward.GAMMA), "parsed r[" + i + "][" + k + "]");
                }
            }
        }
    }

    @Test
    void randomScoreIsTheRewardOfTheSubstitutedScores() {
        double nan = Double.NaN;
        double[][] scores = {{nan, 2.0, 2.5}, {4.0, nan, nan}, {3.0, 3.3, 2.7}};
        double[] mos = {1, 3, 2};
        FidelitySettings settings = FidelitySettings.releasedCode(99);
        double[][] actual = new FidelityReward(settings).rewards(scores, mos, oneDataset(3));
        Random draws = new Random(99);
        double[][] substituted = {{1 + 4 * draws.nextDouble(), 2.0, 2.5},
                {4.0, 1 + 4 * draws.nextDouble(), 1 + 4 * draws.nextDouble()}, {3.0, 3.3, 2.7}};
        double[][] expected = new FidelityReward(FidelitySettings.defaults()).rewards(substituted, mos, oneDataset(3));
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[i][k], actual[i][k], 0.0, "row-major uniform [1,5) draws, seed 99");
            }
        }
    }

    @Test
    void mixedDatasetsAndDegenerateBatchesAreRejected() {
        FidelityReward reward = new FidelityReward(FidelitySettings.defaults());
        double[][] scores = {{1, 2}, {3, 4}};
        assertThrows(IllegalArgumentException.class,
                () -> reward.rewards(scores, new double[] {1, 2}, List.of("koniq", "spaq")));
        assertThrows(IllegalArgumentException.class,
                () -> reward.rewards(new double[][] {{1, 2}}, new double[] {1}, List.of("koniq")));
        assertThrows(IllegalArgumentException.class,
                () -> reward.rewards(new double[][] {{1}, {2}}, new double[] {1, 2}, oneDataset(2)));
    }

    @Test
    void visualQualityTotalIsFidelityPlusFormat() {
        VisualQualityR1Reward task = new VisualQualityR1Reward(new FidelityReward(FidelitySettings.defaults()));
        List<List<String>> responses = List.of(
                List.of("<think>a</think><answer>4.5</answer>", "<think>a</think><answer>3.9</answer>",
                        "no tags 4.0"),
                List.of("<think>b</think><answer>2.0</answer>", "<think>b</think><answer>none</answer>",
                        "<think>b</think><answer>2.2</answer>"));
        double[] mos = {70, 20};
        List<List<ResponseReward>> out = task.rewards(responses, mos, oneDataset(2));
        double[][] rank = new FidelityReward(FidelitySettings.defaults()).rewards(
                new double[][] {{4.5, 3.9, Double.NaN}, {2.0, Double.NaN, 2.2}}, mos, oneDataset(2));
        double[][] format = {{1, 1, 0}, {1, 1, 1}};
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 3; k++) {
                // method.md §2 "Total: fidelity + format"
                ResponseReward reward = out.get(i).get(k);
                assertEquals(List.of(format[i][k], rank[i][k], format[i][k] + rank[i][k]),
                        List.of(reward.format(), reward.task(), reward.total()), "r[" + i + "][" + k + "]");
            }
        }
    }
}
