package visq.gpu.model.qwen;

import java.util.List;

/**
 * The 2-D rotary position embedding of the Qwen2-VL / Qwen2.5-VL vision blocks ("axial" RoPE in transformers).
 *
 * <p>Each patch has a (row, column) position in its image grid. A head of width {@code headDim} is rotated by
 * {@code headDim / 4} frequencies {@code 1 / theta^(2j / (headDim / 2))} applied to the row position and the same
 * frequencies applied to the column position; the angle vector {@code [row · f, column · f]} (length
 * {@code headDim / 2}) is repeated twice to cover the head, in the rotate-half layout of
 * {@code apply_rotary_pos_emb_vision}. Positions follow the patch order of the image processor: rows and columns
 * enumerated block by block over the {@code mergeSize x mergeSize} squares the merger folds (transformers'
 * {@code get_vision_position_ids}), repeated for every frame.
 *
 * <p>The tables are computed in float32 arithmetic, as transformers computes them.
 */
public final class VisionRotary {

    /** Base of the vision rotary frequencies (transformers' default {@code rope_theta} for the vision tower). */
    public static final double THETA = 10_000.0;

    private final int headDim;
    private final float[] inverseFrequencies;

    /** The rotary embedding of heads of width {@code headDim}, a positive multiple of 4. */
    public VisionRotary(int headDim) {
        if (headDim < 4 || headDim % 4 != 0) {
            throw new IllegalArgumentException(
                    "vision head dimension " + headDim + " must be a positive multiple of 4 (2-D rotary over two axes)");
        }
        this.headDim = headDim;
        int spatial = headDim / 2;
        this.inverseFrequencies = new float[spatial / 2];
        for (int j = 0; j < inverseFrequencies.length; j++) {
            float exponent = (float) (2 * j) / (float) spatial;
            inverseFrequencies[j] = 1f / (float) Math.pow(THETA, exponent);
        }
    }

    /** Width of the heads this embedding rotates. */
    public int headDim() {
        return headDim;
    }

    /** The {@code headDim / 4} inverse frequencies shared by the row and the column axis. */
    public float[] inverseFrequencies() {
        return inverseFrequencies.clone();
    }

    /**
     * Row and column of every patch of {@code grids} in processor order, interleaved:
     * {@code [row0, column0, row1, column1, ...]} ({@code 2 * totalPatches} values).
     */
    public static int[] positions(List<VisionGrid> grids, int mergeSize) {
        int[] out = new int[2 * VisionGrid.totalPatches(grids)];
        int at = 0;
        for (VisionGrid grid : grids) {
            grid.requireMergeable(mergeSize);
            for (int frame = 0; frame < grid.t(); frame++) {
                for (int blockRow = 0; blockRow < grid.h() / mergeSize; blockRow++) {
                    for (int blockColumn = 0; blockColumn < grid.w() / mergeSize; blockColumn++) {
                        for (int r = 0; r < mergeSize; r++) {
                            for (int c = 0; c < mergeSize; c++) {
                                out[at++] = blockRow * mergeSize + r;
                                out[at++] = blockColumn * mergeSize + c;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The cosine and sine tables, {@code [patches, headDim]} row-major, of the interleaved {@code positions}
     * (as {@link #positions} lays them out, possibly reordered patch by patch).
     */
    public Tables tables(int[] positions) {
        if (positions.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "rotary positions hold " + positions.length + " values, not (row, column) pairs");
        }
        int patches = positions.length / 2;
        int frequencies = inverseFrequencies.length;
        float[] cos = new float[patches * headDim];
        float[] sin = new float[patches * headDim];
        for (int p = 0; p < patches; p++) {
            int base = p * headDim;
            for (int axis = 0; axis < 2; axis++) {
                float position = positions[2 * p + axis];
                for (int j = 0; j < frequencies; j++) {
                    float angle = position * inverseFrequencies[j];
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    int column = axis * frequencies + j;
                    cos[base + column] = c;
                    cos[base + headDim / 2 + column] = c;
                    sin[base + column] = s;
                    sin[base + headDim / 2 + column] = s;
                }
            }
        }
        return new Tables(patches, headDim, cos, sin);
    }

    /**
     * Rotary tables of {@code patches} rows of width {@code headDim}, row-major.
     *
     * @param patches rows
     * @param headDim columns
     * @param cos cosines of the rotation angles
     * @param sin sines of the rotation angles
     */
    public record Tables(int patches, int headDim, float[] cos, float[] sin) {}
}
