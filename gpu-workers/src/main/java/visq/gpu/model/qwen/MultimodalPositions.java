package visq.gpu.model.qwen;

import java.util.List;

/**
 * The three-axis rotary position ids (temporal, height, width) of a Qwen2-VL / Qwen2.5-VL prompt with images, as
 * transformers' {@code get_rope_index} computes them (transformers 5.18, both families alike for images), and the
 * rope delta that later decoding steps add to their cache positions.
 *
 * <ul>
 *   <li>A text token gets the running position on all three axes; the running position then grows by one.
 *   <li>The image tokens of one image (a contiguous run of {@code imageTokenId}, one per merged patch, row-major
 *       over the merged grid {@code t × h/merge × w/merge}) get {@code start + (tIndex, hIndex, wIndex)}, where
 *       {@code start} is the running position; the running position then grows by {@code max(h, w) / merge}, so
 *       text after a still image continues at the image's largest position + 1.
 *   <li>The rope delta is {@code max position + 1 − length}: decoding the token at cache position {@code p} uses
 *       position {@code p + delta} on every axis ({@link #decodePositions}).
 * </ul>
 *
 * <p>Immutable.
 */
public final class MultimodalPositions {

    /** Axes of the position ids: temporal, height, width. */
    public static final int AXES = 3;

    /**
     * The patch grid of one image ({@code image_grid_thw}): patches along time, height and width, before merging.
     */
    public record ImageGrid(int t, int h, int w) {
        public ImageGrid {
            if (t <= 0 || h <= 0 || w <= 0) {
                throw new IllegalArgumentException("image grid must be positive, got t=" + t + " h=" + h + " w=" + w);
            }
        }

        /** Image tokens of this image after the merger folds {@code mergeSize × mergeSize} patches into one. */
        public int mergedTokens(int mergeSize) {
            checkMerge(mergeSize);
            return t * (h / mergeSize) * (w / mergeSize);
        }

        private void checkMerge(int mergeSize) {
            if (mergeSize <= 0 || h % mergeSize != 0 || w % mergeSize != 0) {
                throw new IllegalArgumentException("spatial merge size " + mergeSize
                        + " does not divide the image grid " + t + "x" + h + "x" + w);
            }
        }
    }

    private final long[][] positionIds;
    private final long ropeDelta;

    private MultimodalPositions(long[][] positionIds, long ropeDelta) {
        this.positionIds = positionIds;
        this.ropeDelta = ropeDelta;
    }

    /**
     * The position ids of {@code inputIds}, whose runs of {@code imageTokenId} belong, in order, to the images of
     * {@code imageGrids}.
     *
     * @throws IllegalArgumentException if the ids are empty, or the image-token runs and the grids do not match
     *     one to one in order and length
     */
    public static MultimodalPositions of(long[] inputIds, List<ImageGrid> imageGrids, long imageTokenId,
            int spatialMergeSize) {
        if (inputIds.length == 0) {
            throw new IllegalArgumentException("input ids are empty: no positions to compute");
        }
        if (spatialMergeSize <= 0) {
            throw new IllegalArgumentException("spatial merge size must be positive, got " + spatialMergeSize);
        }
        int length = inputIds.length;
        long[][] positions = new long[AXES][length];
        long running = 0;
        long max = Long.MIN_VALUE;
        int image = 0;
        int i = 0;
        while (i < length) {
            if (inputIds[i] != imageTokenId) {
                for (int axis = 0; axis < AXES; axis++) {
                    positions[axis][i] = running;
                }
                max = Math.max(max, running);
                running++;
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < length && inputIds[runEnd] == imageTokenId) {
                runEnd++;
            }
            if (image >= imageGrids.size()) {
                throw new IllegalArgumentException("image tokens at index " + i + " belong to image " + (image + 1)
                        + ", but only " + imageGrids.size() + " image grid(s) were given");
            }
            ImageGrid grid = imageGrids.get(image);
            int tokens = grid.mergedTokens(spatialMergeSize);
            if (runEnd - i != tokens) {
                throw new IllegalArgumentException("image " + image + " has " + (runEnd - i) + " image tokens at index "
                        + i + ", but its grid " + grid.t() + "x" + grid.h() + "x" + grid.w() + " with merge size "
                        + spatialMergeSize + " needs " + tokens);
            }
            int mergedH = grid.h() / spatialMergeSize;
            int mergedW = grid.w() / spatialMergeSize;
            int at = i;
            for (int t = 0; t < grid.t(); t++) {
                for (int y = 0; y < mergedH; y++) {
                    for (int x = 0; x < mergedW; x++) {
                        positions[0][at] = running + t;
                        positions[1][at] = running + y;
                        positions[2][at] = running + x;
                        at++;
                    }
                }
            }
            max = Math.max(max, running + Math.max(grid.t() - 1, Math.max(mergedH - 1, mergedW - 1)));
            running += Math.max(mergedH, mergedW);
            image++;
            i = runEnd;
        }
        if (image != imageGrids.size()) {
            throw new IllegalArgumentException(imageGrids.size() + " image grid(s) were given, but the input ids hold "
                    + image + " image(s) of token " + imageTokenId);
        }
        return new MultimodalPositions(positions, max + 1 - length);
    }

    /** Tokens covered. */
    public int length() {
        return positionIds[0].length;
    }

    /** A copy of the position ids, {@code [3][length]}: temporal, height, width. */
    public long[][] positionIds() {
        long[][] copy = new long[AXES][];
        for (int axis = 0; axis < AXES; axis++) {
            copy[axis] = positionIds[axis].clone();
        }
        return copy;
    }

    /** The position of token {@code index} on {@code axis} (0 temporal, 1 height, 2 width). */
    public long position(int axis, int index) {
        return positionIds[axis][index];
    }

    /** {@code max position + 1 − length}: what decoding adds to a cache position (0 for text only). */
    public long ropeDelta() {
        return ropeDelta;
    }

    /** The position ids {@code [3][1]} of the token decoded at {@code cachePosition}. */
    public static long[][] decodePositions(long cachePosition, long ropeDelta) {
        return decodePositions(cachePosition, 1, ropeDelta);
    }

    /**
     * The position ids {@code [3][count]} of {@code count} tokens appended from {@code firstCachePosition} on:
     * {@code cachePosition + ropeDelta} on every axis.
     */
    public static long[][] decodePositions(long firstCachePosition, int count, long ropeDelta) {
        if (firstCachePosition < 0 || count <= 0) {
            throw new IllegalArgumentException("decode positions need a cache position >= 0 and a count > 0, got "
                    + firstCachePosition + " and " + count);
        }
        long[][] positions = new long[AXES][count];
        for (int axis = 0; axis < AXES; axis++) {
            for (int k = 0; k < count; k++) {
                positions[axis][k] = firstCachePosition + k + ropeDelta;
            }
        }
        return positions;
    }
}
