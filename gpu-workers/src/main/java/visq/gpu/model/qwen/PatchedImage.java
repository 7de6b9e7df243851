package visq.gpu.model.qwen;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One image as the Qwen vision tower takes it: the flattened patches ({@code pixel_values} of the reference
 * processor) and the patch grid ({@code image_grid_thw}).
 *
 * <p>{@code pixelValues} holds {@code gridT · gridH · gridW} rows in the reference's patch order (merge windows
 * row-major, the patches of a window row-major inside it), each row {@code channels · temporalPatchSize · patch ·
 * patch} normalised values (channel, frame, patch row, patch column).
 *
 * @param pixelValues the patch rows, row-major (a copy is kept and returned)
 * @param gridT patches along time (1 for a still image)
 * @param gridH patches along the height
 * @param gridW patches along the width
 */
public record PatchedImage(float[] pixelValues, int gridT, int gridH, int gridW) {

    public PatchedImage {
        if (gridT <= 0 || gridH <= 0 || gridW <= 0) {
            throw new IllegalArgumentException("patch grid must be positive, got t=" + gridT + " h=" + gridH
                    + " w=" + gridW);
        }
        long patches = (long) gridT * gridH * gridW;
        if (pixelValues.length == 0 || pixelValues.length % patches != 0) {
            throw new IllegalArgumentException("pixel values of length " + pixelValues.length
                    + " do not split into " + patches + " patches of grid " + gridT + "x" + gridH + "x" + gridW);
        }
        pixelValues = pixelValues.clone();
    }

    /** A copy of the patch rows. */
    @Override
    public float[] pixelValues() {
        return pixelValues.clone();
    }

    /** A read-only view of the patch rows, without copying them. */
    public FloatBuffer values() {
        return FloatBuffer.wrap(pixelValues).asReadOnlyBuffer();
    }

    /** Rows of {@link #pixelValues()}: {@code gridT · gridH · gridW}. */
    public int patchCount() {
        return gridT * gridH * gridW;
    }

    /** Values in one patch row. */
    public int valuesPerPatch() {
        return pixelValues.length / patchCount();
    }

    /** Tokens the vision tower's merger makes of these patches: one per {@code mergeSize × mergeSize} square. */
    public int mergedTokens(int mergeSize) {
        if (mergeSize <= 0 || gridH % mergeSize != 0 || gridW % mergeSize != 0) {
            throw new IllegalArgumentException("merge size " + mergeSize + " does not divide the patch grid "
                    + gridH + "x" + gridW);
        }
        return patchCount() / (mergeSize * mergeSize);
    }

    /** The grid as the multimodal position ids need it. */
    public MultimodalPositions.ImageGrid grid() {
        return new MultimodalPositions.ImageGrid(gridT, gridH, gridW);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PatchedImage that
                && gridT == that.gridT
                && gridH == that.gridH
                && gridW == that.gridW
                && Arrays.equals(pixelValues, that.pixelValues);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * gridT + gridH) + gridW) + Arrays.hashCode(pixelValues);
    }

    @Override
    public String toString() {
        return "PatchedImage[grid " + gridT + "x" + gridH + "x" + gridW + ", " + patchCount() + " patches of "
                + valuesPerPatch() + " values]";
    }
}
