package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class VisionWindowsTest {

    /**
     * Worked by hand: a 4 x 6 patch grid is 2 x 3 merge units (u0 u1 u2 / u3 u4 u5); windows of 112 px are 4 units
     * per side, so one window holds all six in row order. With 56 px windows (2 units per side) the windows are
     * [u0 u1 u3 u4] and [u2 u5], i.e. rows 0-15 and 16-23.
     */
    @Test
    void smallGridByHand() {
        List<VisionGrid> grid = List.of(new VisionGrid(1, 4, 6));
        VisionWindows whole = VisionWindows.of(grid, 2, 112, 14);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, whole.unitOrder());
        assertArrayEquals(new int[] {0, 24}, whole.windowBoundaries());

        VisionWindows halves = VisionWindows.of(grid, 2, 56, 14);
        assertArrayEquals(new int[] {0, 1, 3, 4, 2, 5}, halves.unitOrder());
        assertArrayEquals(new int[] {0, 1, 4, 2, 3, 5}, halves.inverseUnitOrder());
        assertArrayEquals(new int[] {0, 16, 24}, halves.windowBoundaries());
        assertArrayEquals(new int[] {0, 24}, VisionWindows.imageBoundaries(grid));
    }

    /** transformers' get_vision_window_index and get_vision_cu_seqlens on the grids of vision_index_golden.py. */
    @Test
    void matchesTransformers() {
        Map<String, Object> golden = QwenVisionTowerGolden.load("vision-index-golden.json");
        for (Map<String, Object> c : Golden.objects(golden.get("window_cases"))) {
            String name = (String) c.get("name");
            List<VisionGrid> grids = QwenVisionTowerGolden.grids(c.get("grids"));
            VisionWindows windows = VisionWindows.of(grids, QwenVisionTowerGolden.integer(c.get("merge_size")),
                    QwenVisionTowerGolden.integer(c.get("window_size")),
                    QwenVisionTowerGolden.integer(c.get("patch_size")));
            assertArrayEquals(QwenVisionTowerGolden.ints(c.get("window_index")), windows.unitOrder(), name);
            assertArrayEquals(QwenVisionTowerGolden.ints(c.get("cu_window_seqlens")), windows.windowBoundaries(), name);
            assertArrayEquals(QwenVisionTowerGolden.ints(c.get("cu_seqlens")), VisionWindows.imageBoundaries(grids), name);
        }
    }

    @Test
    void inverseOrderUndoesTheWindowOrder() {
        VisionWindows windows = VisionWindows.of(
                List.of(new VisionGrid(1, 10, 14), new VisionGrid(2, 6, 4)), 2, 56, 14);
        int[] order = windows.unitOrder();
        int[] inverse = windows.inverseUnitOrder();
        for (int u = 0; u < order.length; u++) {
            assertEquals(u, order[inverse[u]]);
        }
    }

    @Test
    void reorderUnitsMovesWholeUnits() {
        // 3 units of 2 rows of width 2: unit k holds 4k..4k+3
        float[] rows = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        assertArrayEquals(new float[] {8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7},
                VisionWindows.reorderUnits(rows, 2, 2, new int[] {2, 0, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VisionWindows.reorderUnits(rows, 2, 2, new int[] {1, 0}));
        assertTrue(e.getMessage().contains("2 units of 2 rows of 2"), e.getMessage());
    }

    @Test
    void windowSmallerThanAMergedPatchIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VisionWindows.of(List.of(new VisionGrid(1, 4, 4)), 2, 20, 14));
        assertTrue(e.getMessage().contains("window_size 20"), e.getMessage());
    }

    @Test
    void gridsThatTheMergerCannotFoldAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VisionWindows.of(List.of(new VisionGrid(1, 4, 5)), 2, 112, 14));
        assertTrue(e.getMessage().contains("multiples of spatial_merge_size 2"), e.getMessage());
    }
}
