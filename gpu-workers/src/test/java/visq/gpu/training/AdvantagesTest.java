package visq.gpu.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class AdvantagesTest {

    @Test
    void everyScalingMatchesGoldens() {
        Map<String, Object> golden = Golden.load("advantages.json");
        double[][] groups = Golden.matrix(golden.get("groups"));
        for (Map<String, Object> c : Golden.objects(golden.get("cases"))) {
            AdvantageScaling scaling = AdvantageScaling.valueOf((String) c.get("scaling"));
            double[][] expected = Golden.matrix(c.get("advantages"));
            double[][] actual = Advantages.compute(groups, scaling);
            for (int g = 0; g < expected.length; g++) {
                for (int i = 0; i < expected[g].length; i++) {
                    Golden.assertClose(expected[g][i], actual[g][i], 1e-9, 1e-12,
                            "advantages.json " + scaling + " [" + g + "][" + i + "]");
                }
            }
        }
    }

    @Test
    void advantagesSumToZeroPerGroup() {
        Random random = new Random(1);
        for (AdvantageScaling scaling : AdvantageScaling.values()) {
            double[][] groups = new double[20][8];
            for (double[] g : groups) {
                for (int i = 0; i < g.length; i++) {
                    g[i] = random.nextInt(3) == 0 ? 1.0 : random.nextDouble() * 2;
                }
            }
            for (double[] a : Advantages.compute(groups, scaling)) {
                double sum = 0;
                for (double v : a) {
                    sum += v;
                }
                assertEquals(0.0, sum, 1e-9, "property: Σ_i (r_i − mean) = 0 (" + scaling + ")");
            }
        }
    }

    @Test
    void aGroupOfOneHasNoUnbiasedStd() {
        assertThrows(IllegalArgumentException.class, () -> Advantages.ofGroup(new double[] {1.0}));
    }

    @Test
    void dynamicSamplingDropsGroupsWithAllEqualRewards() {
        double[][] rewards = {{1, 1, 1}, {0, 1, 0}, {0.5, 0.5, 0.5}, {2, 2, 2.0000001}};
        DynamicSampling.Selection selection = DynamicSampling.select(rewards);
        assertEquals(List.of(1, 3), selection.keptGroups(), "groups 0 and 2 are constant");
        assertEquals(2, selection.dropped(), "two groups dropped");
        assertEquals(List.of("b", "d"), selection.keep(List.of("a", "b", "c", "d")), "parallel list filtered");
    }
}
