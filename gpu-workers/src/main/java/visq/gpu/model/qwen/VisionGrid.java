package visq.gpu.model.qwen;

import java.util.List;

/**
 * The patch grid of one image as the image processor reports it ({@code image_grid_thw}): {@code t} frames of
 * {@code h x w} patches. A still image has {@code t = 1} (its frame is repeated to fill the temporal patch).
 *
 * @param t temporal patches
 * @param h patch rows
 * @param w patch columns
 */
public record VisionGrid(int t, int h, int w) {

    public VisionGrid {
        if (t < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("vision grid (t, h, w) = (" + t + ", " + h + ", " + w
                    + ") must be positive in every axis");
        }
    }

    /** Patch rows this grid contributes to {@code pixel_values}: {@code t * h * w}. */
    public int patches() {
        return Math.multiplyExact(t, Math.multiplyExact(h, w));
    }

    /** Merged tokens the vision tower returns for this grid: {@code patches / mergeSize²}. */
    public int mergedTokens(int mergeSize) {
        return patches() / (mergeSize * mergeSize);
    }

    /** Throws unless both spatial sides are multiples of {@code mergeSize} (the merger folds squares of patches). */
    public void requireMergeable(int mergeSize) {
        if (h % mergeSize != 0 || w % mergeSize != 0) {
            throw new IllegalArgumentException("vision grid (t, h, w) = (" + t + ", " + h + ", " + w
                    + "): h and w must be multiples of spatial_merge_size " + mergeSize);
        }
    }

    /** Patch rows of all {@code grids} together. */
    public static int totalPatches(List<VisionGrid> grids) {
        int total = 0;
        for (VisionGrid grid : grids) {
            total = Math.addExact(total, grid.patches());
        }
        return total;
    }
}
