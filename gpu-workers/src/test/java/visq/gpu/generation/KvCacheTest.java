package visq.gpu.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class KvCacheTest {

    @Test
    void appendsRepeatsAndSelectsRowsHoldingOneCopy() {
        try (NDManager manager = NDManager.newBaseManager()) {
            KvCache cache = new KvCache(manager, 2);
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                for (int layer = 0; layer < 2; layer++) {
                    NDArray k = manager.arange(0f, 6f).reshape(1, 1, 3, 2).add(layer * 100);
                    NDArray[] full = cache.append(layer, k, k.neg());
                    assertEquals(new Shape(1, 1, 3, 2), full[0].getShape());
                }
            }
            assertEquals(3, cache.length());
            cache.repeatRows(3);
            assertEquals(3, cache.rows());
            int arrays = manager.getManagedArrays().size();
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                for (int layer = 0; layer < 2; layer++) {
                    NDArray k = manager.create(new float[] {10, 11, 20, 21, 30, 31}, new Shape(3, 1, 1, 2));
                    NDArray[] full = cache.append(layer, k, k.neg());
                    assertEquals(new Shape(3, 1, 4, 2), full[0].getShape());
                }
            }
            assertEquals(4, cache.length());
            assertEquals(arrays, manager.getManagedArrays().size(), "old cache arrays are closed");
            cache.retainRows(new int[] {2, 0});
            assertEquals(2, cache.rows());
            NDArray[] full;
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                full = cache.append(1, manager.zeros(new Shape(2, 1, 1, 2)), manager.zeros(new Shape(2, 1, 1, 2)));
            }
            // row 0 is the old row 2: prefix 100..105, then 30, 31, then the zeros just appended
            try (NDArray first = full[0].get(0); NDArray second = full[0].get(1)) {
                assertArrayEquals(new float[] {100, 101, 102, 103, 104, 105, 30, 31, 0, 0}, first.toFloatArray());
                assertArrayEquals(new float[] {100, 101, 102, 103, 104, 105, 10, 11, 0, 0}, second.toFloatArray());
            }
            assertEquals(arrays, manager.getManagedArrays().size());
            cache.close();
            assertEquals(0, manager.getManagedArrays().size());
        }
    }
}
