package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class VisionRotaryTest {

    /**
     * Worked by hand: a 2 x 4 grid with 2 x 2 merge squares lists the left square row by row, then the right one.
     */
    @Test
    void positionsFollowTheMergeSquares() {
        int[] positions = VisionRotary.positions(List.of(new VisionGrid(1, 2, 4)), 2);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 0, 1, 1, 0, 2, 0, 3, 1, 2, 1, 3}, positions);
    }

    @Test
    void framesRepeatThePositions() {
        int[] one = VisionRotary.positions(List.of(new VisionGrid(1, 2, 2)), 2);
        int[] two = VisionRotary.positions(List.of(new VisionGrid(2, 2, 2)), 2);
        assertEquals(2 * one.length, two.length);
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i], two[i]);
            assertEquals(one[i], two[one.length + i]);
        }
    }

    /**
     * Closed form for head dim 8: frequencies 1 and 1/100; the patch at row 2, column 3 has angles
     * [2, 0.02, 3, 0.03], repeated.
     */
    @Test
    void tablesByHand() {
        VisionRotary rotary = new VisionRotary(8);
        assertArrayEquals(new float[] {1f, 0.01f}, rotary.inverseFrequencies());
        VisionRotary.Tables tables = rotary.tables(new int[] {2, 3});
        double[] angles = {2, 0.02, 3, 0.03, 2, 0.02, 3, 0.03};
        for (int i = 0; i < 8; i++) {
            assertEquals(Math.cos(angles[i]), tables.cos()[i], 1e-6);
            assertEquals(Math.sin(angles[i]), tables.sin()[i], 1e-6);
        }
    }

    /** transformers' get_vision_position_ids and Qwen2_5_VLVisionRotaryEmbedding (vision_index_golden.py). */
    @Test
    void matchesTransformers() {
        Map<String, Object> golden = QwenVisionTowerGolden.load("vision-index-golden.json");
        for (Map<String, Object> c : Golden.objects(golden.get("window_cases"))) {
            List<VisionGrid> grids = QwenVisionTowerGolden.grids(c.get("grids"));
            assertArrayEquals(QwenVisionTowerGolden.ints(c.get("positions")),
                    VisionRotary.positions(grids, QwenVisionTowerGolden.integer(c.get("merge_size"))),
                    (String) c.get("name"));
        }
        for (Map<String, Object> c : Golden.objects(golden.get("rotary_cases"))) {
            String name = (String) c.get("name");
            assertEquals(VisionRotary.THETA, Golden.number(c.get("rope_theta")), name);
            VisionRotary rotary = new VisionRotary(QwenVisionTowerGolden.integer(c.get("head_dim")));
            assertArrayEquals(Golden.floats(c.get("inverse_frequencies")), rotary.inverseFrequencies(), 0f, name);
            int[] positions = VisionRotary.positions(QwenVisionTowerGolden.grids(c.get("grids")), 2);
            assertArrayEquals(QwenVisionTowerGolden.ints(c.get("positions")), positions, name);
            VisionRotary.Tables tables = rotary.tables(positions);
            double cos = QwenVisionTowerGolden.maxAbsDifference(Golden.floats(c.get("cos")), tables.cos());
            double sin = QwenVisionTowerGolden.maxAbsDifference(Golden.floats(c.get("sin")), tables.sin());
            assertTrue(cos <= 1e-6 && sin <= 1e-6, name + ": max |cos diff| " + cos + ", |sin diff| " + sin);
        }
    }

    @Test
    void headDimensionMustSplitOverTwoAxes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VisionRotary(18));
        assertTrue(e.getMessage().contains("multiple of 4"), e.getMessage());
    }
}
