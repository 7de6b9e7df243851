package visq.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CompactTextEmbeddingTest {

    @Test
    void addsTokenAndPositionRowsToTheSameBitsAsPyTorch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray tokens = manager.randomNormal(new Shape(40, 8)).mul(3);
            NDArray positions = manager.randomNormal(new Shape(12, 8)).mul(1e-3);
            CompactTextEmbedding text = new CompactTextEmbedding(tokens, positions);
            int[] ids = {7, 0, 39, 7};
            NDArray expected = tokens.get(manager.create(new long[] {7, 0, 39, 7}, new Shape(4, 1)))
                    .add(positions.get("5:6"));
            NDArray actual = text.embed(manager, ids, 5);
            assertEquals(new Shape(4, 1, 8), actual.getShape());
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
        }
    }

    @Test
    void refusesIdsAndPositionsOutsideItsTables() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CompactTextEmbedding text = new CompactTextEmbedding(manager.zeros(new Shape(4, 2)),
                    manager.zeros(new Shape(3, 2)));
            assertThrows(IllegalArgumentException.class, () -> text.embed(manager, new int[] {4}, 0));
            assertThrows(IllegalArgumentException.class, () -> text.embed(manager, new int[] {-1}, 0));
            assertThrows(IllegalArgumentException.class, () -> text.embed(manager, new int[] {1}, 3));
            assertThrows(IllegalArgumentException.class,
                    () -> new CompactTextEmbedding(manager.zeros(new Shape(4, 2)), manager.zeros(new Shape(3, 5))));
        }
    }
}
