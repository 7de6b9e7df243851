package visq.gpu.generation;

import ai.djl.ndarray.NDArray;

/** Where a causal decoder keeps the keys and values of the positions it has seen, per attention layer. */
public interface AttentionCache {

    /**
     * Appends {@code k} and {@code v} ({@code [rows, heads, new, headDim]}) to layer {@code layer} and returns the
     * keys and values of every position cached in that layer so far ({@code [rows, heads, length, headDim]}).
     */
    NDArray[] append(int layer, NDArray k, NDArray v);

    /** Positions cached in the first layer (0 when empty). */
    long length();
}
