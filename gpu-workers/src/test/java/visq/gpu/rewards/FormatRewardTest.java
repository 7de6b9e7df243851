package visq.gpu.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class FormatRewardTest {

    @Test
    void formatRewardsMatchTheIndependentImplementation() {
        Map<String, Object> golden = Golden.load("parsing.json");
        for (Map<String, Object> c : Golden.objects(golden.get("cases"))) {
            String text = (String) c.get("text");
            String where = "parsing.json case " + text.replace("\n", "\\n");
            assertEquals(Golden.number(c.get("format_q_insight")), FormatReward.Q_INSIGHT_STRICT.reward(text),
                    where + " format_q_insight (method.md §2 strict)");
            assertEquals(Golden.number(c.get("format_visualquality_r1")), FormatReward.VISUALQUALITY_R1.reward(text),
                    where + " format_visualquality_r1 (method.md §2 regex)");
        }
    }

    @Test
    void theCanonicalShapesEarnOne() {
        // method.md §2: exactly <think>\n…\n</think>\n<answer>\n{…}\n</answer>
        assertEquals(1.0, FormatReward.Q_INSIGHT_STRICT.reward(
                "<think>\nreasoning\n</think>\n<answer>\n{\"rating\": 3.45}\n</answer>"), "method.md §2");
        assertEquals(1.0, FormatReward.VISUALQUALITY_R1.reward("<think>r</think>\n<answer>3.45</answer>"),
                "method.md §2");
    }
}
