package visq.gpu.model.qwen;

import java.util.Arrays;
import java.util.List;

/**
 * Which patches attend to which in the vision blocks, and the order Qwen2.5-VL's window attention puts them in.
 *
 * <p>The merger folds each {@code mergeSize x mergeSize} square of patches into one token; the image processor
 * already emits the patches of a square as consecutive rows, a <em>merge unit</em>. Qwen2.5-VL splits each frame of
 * each image into windows of {@code windowSize / patchSize / mergeSize} merge units per side (the last row and
 * column of windows cut short where the grid ends), reorders the merge units window by window before the first block
 * ({@link #unitOrder}, transformers' {@code window_index}) and restores the processor order after the merger
 * ({@link #inverseUnitOrder}). Blocks not listed in {@code fullatt_block_indexes} attend within a window
 * ({@link #windowBoundaries}, {@code cu_window_seqlens} with its repeated values removed); the others, and every
 * block of Qwen2-VL, attend within one frame of one image ({@link #imageBoundaries}, {@code cu_seqlens}).
 */
public final class VisionWindows {

    private final int[] unitOrder;
    private final int[] windowBoundaries;

    private VisionWindows(int[] unitOrder, int[] windowBoundaries) {
        this.unitOrder = unitOrder;
        this.windowBoundaries = windowBoundaries;
    }

    /**
     * The windows of {@code grids} (in that order, as their patch rows are concatenated) for windows of
     * {@code windowSize} pixels per side.
     */
    public static VisionWindows of(List<VisionGrid> grids, int mergeSize, int windowSize, int patchSize) {
        int side = windowUnits(mergeSize, windowSize, patchSize);
        int unitPatches = mergeSize * mergeSize;
        int[] order = new int[VisionGrid.totalPatches(grids) / unitPatches];
        int[] boundaries = new int[order.length + 1];
        int orderAt = 0;
        int boundaryCount = 1;
        int firstUnit = 0;
        for (VisionGrid grid : grids) {
            grid.requireMergeable(mergeSize);
            int unitRows = grid.h() / mergeSize;
            int unitColumns = grid.w() / mergeSize;
            int windowRows = (unitRows + side - 1) / side;
            int windowColumns = (unitColumns + side - 1) / side;
            for (int frame = 0; frame < grid.t(); frame++) {
                int frameUnit = firstUnit + frame * unitRows * unitColumns;
                for (int wr = 0; wr < windowRows; wr++) {
                    for (int wc = 0; wc < windowColumns; wc++) {
                        for (int r = wr * side; r < Math.min(unitRows, (wr + 1) * side); r++) {
                            for (int c = wc * side; c < Math.min(unitColumns, (wc + 1) * side); c++) {
                                order[orderAt++] = frameUnit + r * unitColumns + c;
                            }
                        }
                        boundaries[boundaryCount++] = orderAt * unitPatches;
                    }
                }
            }
            firstUnit += grid.t() * unitRows * unitColumns;
        }
        return new VisionWindows(order, Arrays.copyOf(boundaries, boundaryCount));
    }

    /**
     * Merge units per window side, {@code windowSize / mergeSize / patchSize} with integer division as transformers
     * computes it; at least 1.
     */
    public static int windowUnits(int mergeSize, int windowSize, int patchSize) {
        if (mergeSize < 1 || patchSize < 1) {
            throw new IllegalArgumentException(
                    "spatial_merge_size " + mergeSize + " and patch_size " + patchSize + " must be positive");
        }
        int side = windowSize / mergeSize / patchSize;
        if (side < 1) {
            throw new IllegalArgumentException("window_size " + windowSize + " is smaller than one merged patch ("
                    + mergeSize + " x " + patchSize + " = " + mergeSize * patchSize + " pixels)");
        }
        return side;
    }

    /** {@code cu_seqlens}: 0, then the end row of every frame of every grid (each frame attends only within itself). */
    public static int[] imageBoundaries(List<VisionGrid> grids) {
        int frames = 0;
        for (VisionGrid grid : grids) {
            frames += grid.t();
        }
        int[] boundaries = new int[frames + 1];
        int at = 1;
        for (VisionGrid grid : grids) {
            for (int frame = 0; frame < grid.t(); frame++) {
                boundaries[at] = boundaries[at - 1] + grid.h() * grid.w();
                at++;
            }
        }
        return boundaries;
    }

    /** {@code window_index}: position {@code i} of the window order holds merge unit {@code unitOrder()[i]}. */
    public int[] unitOrder() {
        return unitOrder.clone();
    }

    /** The inverse permutation ({@code argsort(window_index)}): merge unit {@code u} sits at {@code result[u]}. */
    public int[] inverseUnitOrder() {
        int[] inverse = new int[unitOrder.length];
        for (int i = 0; i < unitOrder.length; i++) {
            inverse[unitOrder[i]] = i;
        }
        return inverse;
    }

    /** {@code cu_window_seqlens} without repeats: 0, then the end row of every window in window order. */
    public int[] windowBoundaries() {
        return windowBoundaries.clone();
    }

    /**
     * {@code rows} ({@code values.length / rowWidth} rows of {@code rowWidth}) regrouped by merge unit of
     * {@code unitRows} consecutive rows: unit {@code i} of the result is unit {@code order[i]} of the input.
     */
    public static float[] reorderUnits(float[] values, int rowWidth, int unitRows, int[] order) {
        int unitWidth = requireUnits(values.length, rowWidth, unitRows, order);
        float[] out = new float[values.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(values, order[i] * unitWidth, out, i * unitWidth, unitWidth);
        }
        return out;
    }

    /** {@link #reorderUnits(float[], int, int, int[])} for integer rows. */
    public static int[] reorderUnits(int[] values, int rowWidth, int unitRows, int[] order) {
        int unitWidth = requireUnits(values.length, rowWidth, unitRows, order);
        int[] out = new int[values.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(values, order[i] * unitWidth, out, i * unitWidth, unitWidth);
        }
        return out;
    }

    private static int requireUnits(int length, int rowWidth, int unitRows, int[] order) {
        int unitWidth = rowWidth * unitRows;
        if (unitWidth <= 0 || (long) order.length * unitWidth != length) {
            throw new IllegalArgumentException("cannot reorder " + length + " values as " + order.length
                    + " units of " + unitRows + " rows of " + rowWidth);
        }
        return unitWidth;
    }
}
