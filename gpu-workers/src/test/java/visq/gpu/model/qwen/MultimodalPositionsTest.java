package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import visq.gpu.golden.Golden;

/**
 * {@link MultimodalPositions} against transformers' {@code get_rope_index} and {@code compute_3d_position_ids} of
 * Qwen2-VL and Qwen2.5-VL: expected values from {@code tools/qwen-reference/image_golden.py}
 * ({@code /qwen-image/positions-golden.json}).
 */
class MultimodalPositionsTest {

    private static final long IMAGE_PAD = 151655;

    static Stream<Named<Map<String, Object>>> referenceCases() {
        Map<String, Object> golden = QwenImageGolden.json("positions-golden.json");
        Map<String, Object> families = Golden.objects(List.of(golden.get("families"))).get(0);
        List<Named<Map<String, Object>>> cases = new ArrayList<>();
        for (Map.Entry<String, Object> family : families.entrySet()) {
            for (Map<String, Object> c : Golden.objects(family.getValue())) {
                cases.add(Named.of(family.getKey() + " " + c.get("name"), c));
            }
        }
        return cases.stream();
    }

    @Test
    void goldenCoversBothFamiliesAndZeroToThreeImages() {
        List<Map<String, Object>> cases = referenceCases().map(Named::getPayload).toList();
        assertEquals(14, cases.size());
        for (int images = 0; images <= 3; images++) {
            int wanted = images;
            assertTrue(cases.stream().filter(c -> Golden.list(c.get("imageGrids")).size() == wanted).count() >= 2,
                    "cases with " + images + " images");
        }
        Map<String, Object> golden = QwenImageGolden.json("positions-golden.json");
        assertEquals((double) IMAGE_PAD, golden.get("imageTokenId"));
        assertEquals(2.0, golden.get("spatialMergeSize"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceCases")
    void positionIdsAndRopeDeltaMatchTransformers(Map<String, Object> reference) {
        MultimodalPositions positions = positions(reference);
        long[][] expected = longMatrix(reference.get("positionIds"));
        assertEquals(expected[0].length, positions.length());
        long[][] actual = positions.positionIds();
        for (int axis = 0; axis < MultimodalPositions.AXES; axis++) {
            assertArrayEquals(expected[axis], actual[axis], reference.get("name") + " axis " + axis);
        }
        assertEquals((long) Golden.number(reference.get("ropeDelta")), positions.ropeDelta());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceCases")
    void decodeStepsMatchTransformers(Map<String, Object> reference) {
        long delta = positions(reference).ropeDelta();
        for (Object step : Golden.list(reference.get("decode"))) {
            List<Object> entry = Golden.list(step);
            long cachePosition = (long) Golden.number(entry.get(0));
            double[] expected = Golden.doubles(entry.get(1));
            long[][] actual = MultimodalPositions.decodePositions(cachePosition, delta);
            for (int axis = 0; axis < MultimodalPositions.AXES; axis++) {
                assertEquals(1, actual[axis].length);
                assertEquals((long) expected[axis], actual[axis][0], reference.get("name") + " cache " + cachePosition);
            }
        }
    }

    @Test
    void anImageSpreadsOverItsMergedGridAndTextContinuesAfterIt() {
        // 2 text tokens, an image of grid 1 x 4 x 6 (2 x 3 merged tokens), 2 text tokens
        long[] ids = {10, 11, IMAGE_PAD, IMAGE_PAD, IMAGE_PAD, IMAGE_PAD, IMAGE_PAD, IMAGE_PAD, 12, 13};
        MultimodalPositions positions = MultimodalPositions.of(ids,
                List.of(new MultimodalPositions.ImageGrid(1, 4, 6)), IMAGE_PAD, 2);
        assertArrayEquals(new long[] {0, 1, 2, 2, 2, 2, 2, 2, 5, 6}, positions.positionIds()[0]);
        assertArrayEquals(new long[] {0, 1, 2, 2, 2, 3, 3, 3, 5, 6}, positions.positionIds()[1]);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 2, 3, 4, 5, 6}, positions.positionIds()[2]);
        // largest position 6, 10 tokens: delta 6 + 1 - 10
        assertEquals(-3, positions.ropeDelta());
        assertArrayEquals(new long[][] {{7, 8}, {7, 8}, {7, 8}}, MultimodalPositions.decodePositions(10, 2, -3));
    }

    @Test
    void refusesImageTokensThatDoNotMatchTheGrids() {
        long[] ids = {1, IMAGE_PAD, IMAGE_PAD, IMAGE_PAD, 2};
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> MultimodalPositions.of(
                ids, List.of(new MultimodalPositions.ImageGrid(1, 4, 4)), IMAGE_PAD, 2));
        assertTrue(tooFew.getMessage().contains("3 image tokens") && tooFew.getMessage().contains("needs 4"),
                tooFew.getMessage());
        IllegalArgumentException noGrid = assertThrows(IllegalArgumentException.class,
                () -> MultimodalPositions.of(ids, List.of(), IMAGE_PAD, 2));
        assertTrue(noGrid.getMessage().contains("0 image grid"), noGrid.getMessage());
        IllegalArgumentException extraGrid = assertThrows(IllegalArgumentException.class, () -> MultimodalPositions.of(
                new long[] {1, 2}, List.of(new MultimodalPositions.ImageGrid(1, 2, 2)), IMAGE_PAD, 2));
        assertTrue(extraGrid.getMessage().contains("1 image grid(s) were given"), extraGrid.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MultimodalPositions.of(new long[0], List.of(), IMAGE_PAD, 2));
        IllegalArgumentException oddGrid = assertThrows(IllegalArgumentException.class, () -> MultimodalPositions.of(
                ids, List.of(new MultimodalPositions.ImageGrid(1, 3, 4)), IMAGE_PAD, 2));
        assertTrue(oddGrid.getMessage().contains("1x3x4"), oddGrid.getMessage());
    }

    private static MultimodalPositions positions(Map<String, Object> reference) {
        long[] ids = Golden.list(reference.get("inputIds")).stream().mapToLong(v -> (long) Golden.number(v)).toArray();
        List<MultimodalPositions.ImageGrid> grids = new ArrayList<>();
        for (Object grid : Golden.list(reference.get("imageGrids"))) {
            double[] g = Golden.doubles(grid);
            grids.add(new MultimodalPositions.ImageGrid((int) g[0], (int) g[1], (int) g[2]));
        }
        return MultimodalPositions.of(ids, grids, IMAGE_PAD, 2);
    }

    private static long[][] longMatrix(Object value) {
        double[][] rows = Golden.matrix(value);
        long[][] out = new long[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = new long[rows[r].length];
            for (int c = 0; c < rows[r].length; c++) {
                out[r][c] = (long) rows[r][c];
            }
        }
        return out;
    }
}
