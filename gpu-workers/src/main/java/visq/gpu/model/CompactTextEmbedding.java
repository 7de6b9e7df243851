package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The compact model's text embedding (token embedding plus learned position embedding, as
 * {@link CompactTransformer#embedSequence} adds them) for one decode step, computed in Java from copies of the two
 * tables taken once per decoding session: a step then hands PyTorch one array instead of spending an id array, a
 * lookup, a position slice and an addition. Java's float addition is IEEE single-precision addition, the same as
 * PyTorch's float32 {@code add}, so the values are the same bits.
 */
final class CompactTextEmbedding {
    private final int width;
    private final int vocabulary;
    private final int positions;
    private final float[] tokens;
    private final float[] positionRows;

    /** Copies {@code tokenEmbedding} ({@code [vocabulary, d]}) and {@code positionEmbedding} ({@code [positions, d]}). */
    CompactTextEmbedding(NDArray tokenEmbedding, NDArray positionEmbedding) {
        Shape tokenShape = tokenEmbedding.getShape();
        Shape positionShape = positionEmbedding.getShape();
        if (tokenShape.dimension() != 2 || positionShape.dimension() != 2
                || tokenShape.get(1) != positionShape.get(1)) {
            throw new IllegalArgumentException("token embedding " + tokenShape + " and position embedding "
                    + positionShape + " must be [rows, d] of one width d");
        }
        this.width = Math.toIntExact(tokenShape.get(1));
        this.vocabulary = Math.toIntExact(tokenShape.get(0));
        this.positions = Math.toIntExact(positionShape.get(0));
        this.tokens = tokenEmbedding.toFloatArray();
        this.positionRows = positionEmbedding.toFloatArray();
    }

    /** {@code [ids.length, 1, d]} in {@code manager}: row r is token {@code ids[r]} at text position {@code position}. */
    NDArray embed(NDManager manager, int[] ids, int position) {
        if (position < 0 || position >= positions) {
            throw new IllegalArgumentException("text position " + position + " outside the model's " + positions);
        }
        float[] out = new float[ids.length * width];
        int positionAt = position * width;
        for (int r = 0; r < ids.length; r++) {
            int id = ids[r];
            if (id < 0 || id >= vocabulary) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + vocabulary);
            }
            int tokenAt = id * width;
            int at = r * width;
            for (int j = 0; j < width; j++) {
                out[at + j] = tokens[tokenAt + j] + positionRows[positionAt + j];
            }
        }
        return manager.create(out, new Shape(ids.length, 1, width));
    }
}
