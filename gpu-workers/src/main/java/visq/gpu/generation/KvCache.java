package visq.gpu.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/**
 * Keys and values of every attention layer for the positions decoded so far, each {@code [rows, heads, length,
 * headDim]}. The cache owns its arrays in its own sub-manager: a step's temporary scope can close everything else,
 * and every replaced array is closed at once, so memory holds one copy of the cache.
 */
public final class KvCache implements AttentionCache, AutoCloseable {

    private final NDManager owner;
    private final NDArray[] keys;
    private final NDArray[] values;

    public KvCache(NDManager parent, int layers) {
        this.owner = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /**
     * Appends {@code k} and {@code v} ({@code [rows, heads, new, headDim]}) to layer {@code layer} and returns the
     * full keys and values, which the cache owns.
     */
    @Override
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray fullK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
        NDArray fullV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
        replace(layer, fullK, fullV);
        return new NDArray[] {fullK, fullV};
    }

    /** Positions cached (0 when empty). */
    @Override
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /** Rows cached (0 when empty). */
    public long rows() {
        return keys[0] == null ? 0 : keys[0].getShape().get(0);
    }

    /** Turns a one-row cache into {@code rows} identical rows (after a shared prefill). */
    public void repeatRows(int rows) {
        for (int layer = 0; layer < keys.length; layer++) {
            replace(layer, keys[layer].repeat(0, rows), values[layer].repeat(0, rows));
        }
    }

    /** Keeps only rows {@code rows}, in that order. */
    public void retainRows(int[] rows) {
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            index[i] = rows[i];
        }
        try (NDArray selector = owner.create(index)) {
            for (int layer = 0; layer < keys.length; layer++) {
                NDIndex pick = new NDIndex("{}", selector);
                replace(layer, keys[layer].get(pick), values[layer].get(pick));
            }
        }
    }

    private void replace(int layer, NDArray k, NDArray v) {
        NDScope.unregister(k, v);
        k.attach(owner);
        v.attach(owner);
        if (keys[layer] != null && keys[layer] != k) {
            keys[layer].close();
        }
        if (values[layer] != null && values[layer] != v) {
            values[layer].close();
        }
        keys[layer] = k;
        values[layer] = v;
    }

    @Override
    public void close() {
        owner.close();
    }
}
