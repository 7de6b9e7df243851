package visq.gpu.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PreallocatedKvCacheTest {

    private static final int LAYERS = 2;
    private static final int HEADS = 2;
    private static final int HEAD_DIM = 3;

    /** Appends, packed appends, growth, repeated and retained rows: the same numbers as {@link KvCache}. */
    @Test
    void holdsWhatTheConcatenatingCacheHolds() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KvCache expected = new KvCache(manager, LAYERS);
            PreallocatedKvCache actual = new PreallocatedKvCache(manager, LAYERS, 2);
            // a prompt of 3 positions in one row (a strided view, as attention heads are), then 4 rows
            appendBoth(manager, expected, actual, 1, 3, false, 0);
            assertEquals(3, actual.length());
            expected.repeatRows(4);
            actual.repeatRows(4);
            assertEquals(4, actual.rows());
            for (int step = 1; step <= 6; step++) {
                appendBoth(manager, expected, actual, 4, 1, true, step);
            }
            assertEquals(9, actual.length());
            assertEquals(16, actual.capacity(), "2 doubled until 9 positions fit");
            expected.retainRows(new int[] {3, 1});
            actual.retainRows(new int[] {3, 1});
            assertEquals(2, actual.rows());
            appendBoth(manager, expected, actual, 2, 2, false, 7);
            appendBoth(manager, expected, actual, 2, 1, true, 8);
            assertEquals(12, actual.length());
            actual.close();
            expected.close();
        }
    }

    @Test
    void refusesKeysOfAnotherShapeThanItHolds() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PreallocatedKvCache cache = new PreallocatedKvCache(manager, 1, 4);
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                NDArray k = manager.zeros(new Shape(2, HEADS, 1, HEAD_DIM));
                cache.append(0, k, k);
                NDArray other = manager.zeros(new Shape(3, HEADS, 1, HEAD_DIM));
                assertThrows(IllegalArgumentException.class, () -> cache.append(0, other, other));
                assertThrows(IllegalArgumentException.class, () -> cache.appendPacked(0, other));
            }
            assertThrows(IllegalArgumentException.class, () -> new PreallocatedKvCache(manager, 1, 0));
        }
    }

    @Test
    void holdsItsBuffersInItsOwnManagerAndFreesThemOnClose() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PreallocatedKvCache cache = new PreallocatedKvCache(manager, LAYERS, 1);
            for (int step = 0; step < 5; step++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    for (int layer = 0; layer < LAYERS; layer++) {
                        cache.appendPacked(layer, manager.ones(new Shape(2, 1, HEADS, 1, HEAD_DIM)));
                    }
                }
            }
            assertEquals(5, cache.length());
            assertEquals(3 * LAYERS, manager.getManagedArrays().size(),
                    "only a buffer and its two views (keys transposed, values) per layer are left");
            cache.close();
            assertEquals(0, manager.getManagedArrays().size());
        }
    }

    /** Appends the same seeded keys and values ({@code [rows, HEADS, added, HEAD_DIM]}) to both caches, compares. */
    private static void appendBoth(NDManager manager, KvCache expected, PreallocatedKvCache actual, int rows,
            int added, boolean packed, int seed) {
        try (NDScope step = new NDScope()) {
            step.suppressNotUsedWarning();
            for (int layer = 0; layer < LAYERS; layer++) {
                // [rows, added, HEADS, HEAD_DIM] transposed: a strided view, as split heads are
                NDArray k = manager.randomNormal(new Shape(rows, added, HEADS, HEAD_DIM)).add(seed * 10 + layer)
                        .transpose(0, 2, 1, 3);
                NDArray v = k.neg();
                NDArray[] want = expected.append(layer, k, v);
                NDArray[] got = packed
                        ? actual.appendPacked(layer, NDArrays.stack(new NDList(k, v), 0))
                        : actual.append(layer, k, v);
                if (packed) {
                    assertEquals(want[0].transpose(0, 1, 3, 2).getShape(), got[0].getShape());
                    got[0] = got[0].transpose(0, 1, 3, 2); // appendPacked hands keys transposed
                }
                assertEquals(want[0].getShape(), got[0].getShape());
                assertArrayEquals(want[0].toFloatArray(), got[0].toFloatArray(), "keys, layer " + layer);
                assertArrayEquals(want[1].toFloatArray(), got[1].toFloatArray(), "values, layer " + layer);
            }
        }
    }
}
