package visq.gpu.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Keys and values of every attention layer in buffers allocated ahead of the positions: layer {@code l} is one
 * {@code [2, rows, heads, capacity, headDim]} array, keys at index 0 and values at 1. Appending copies the new
 * positions into place (one {@code index_put_}) and attention reads views of the filled prefix, so a decode step copies
 * one position per row instead of concatenating a new copy of the whole cache as {@link KvCache} does; the numbers
 * read back are the same. A full buffer is replaced by one of twice the capacity. The cache owns its buffers in its own
 * sub-manager; the views it returns belong to the caller's {@link NDScope}, which must close them before the next
 * {@link #repeatRows}, {@link #retainRows} or growth frees the buffer they look into.
 */
public final class PreallocatedKvCache implements AttentionCache, AutoCloseable {

    private final NDManager owner;
    private final NDArray[] buffers;
    /** Per layer, views of the whole buffer: keys transposed ({@code [rows, heads, headDim, capacity]}), values. */
    private final NDArray[] keysTransposed;
    private final NDArray[] values;
    private final long[] lengths;
    private final long initialCapacity;

    /**
     * @param layers attention layers
     * @param initialCapacity positions a buffer holds before it first grows (at least 1)
     */
    public PreallocatedKvCache(NDManager parent, int layers, long initialCapacity) {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initial capacity must be positive, got " + initialCapacity);
        }
        this.owner = parent.newSubManager();
        this.buffers = new NDArray[layers];
        this.keysTransposed = new NDArray[layers];
        this.values = new NDArray[layers];
        this.lengths = new long[layers];
        this.initialCapacity = initialCapacity;
    }

    /**
     * {@inheritDoc} The returned keys and values are new arrays laid out as {@link KvCache#append} returns them (a
     * copy of {@code k} and {@code v} into an empty cache, else the cached prefix concatenated with them): attention
     * over many new positions at once (a prefill) rounds differently over views into the buffer.
     */
    @Override
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        Shape shape = k.getShape();
        long added = shape.get(2);
        long offset = reserve(layer, shape.get(0), shape.get(1), added, shape.get(3));
        NDArray[] out;
        if (offset == 0) {
            out = new NDArray[] {k.duplicate(), v.duplicate()};
        } else {
            NDArray[] before = filled(layer);
            out = new NDArray[] {before[0].concat(k, 2), before[1].concat(v, 2)};
            before[0].close();
            before[1].close();
        }
        write(layer, k, 0, offset, added);
        write(layer, v, 1, offset, added);
        lengths[layer] = offset + added;
        return out;
    }

    /**
     * Appends keys and values that come as one {@code [2, rows, heads, new, headDim]} array (keys at 0), in one copy,
     * and returns views into the buffer of every position cached in the layer: the keys transposed
     * ({@code [rows, heads, headDim, length]}, ready for {@code q · kᵀ}) and the values ({@code [rows, heads, length,
     * headDim]}), two calls per step on views kept with the buffer. Attention of one new position per row gives the
     * same bits over these views as over {@link KvCache}'s concatenations ({@code CompactDecodeStepTest} checks it).
     */
    public NDArray[] appendPacked(int layer, NDArray kv) {
        Shape shape = kv.getShape();
        if (shape.dimension() != 5 || shape.get(0) != 2) {
            throw new IllegalArgumentException("packed keys and values must be [2, rows, heads, new, headDim], got "
                    + shape);
        }
        long added = shape.get(3);
        long offset = reserve(layer, shape.get(1), shape.get(2), added, shape.get(4));
        write(layer, kv, 0, offset, added);
        long length = offset + added;
        lengths[layer] = length;
        return new NDArray[] {
            JniUtils.slice((PtNDArray) keysTransposed[layer], 3, 0, length, 1),
            JniUtils.slice((PtNDArray) values[layer], 2, 0, length, 1)
        };
    }

    @Override
    public long length() {
        return lengths[0];
    }

    /** Rows cached (0 when empty). */
    public long rows() {
        return buffers[0] == null ? 0 : buffers[0].getShape().get(1);
    }

    /** Positions layer 0 can hold before its buffer grows (0 before the first append). */
    public long capacity() {
        return buffers[0] == null ? 0 : buffers[0].getShape().get(3);
    }

    /** Turns a one-row cache into {@code rows} identical rows (after a shared prefill). */
    public void repeatRows(int rows) {
        for (int layer = 0; layer < buffers.length; layer++) {
            replace(layer, buffers[layer].repeat(1, rows));
        }
    }

    /** Keeps only rows {@code rows}, in that order. */
    public void retainRows(int[] rows) {
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            index[i] = rows[i];
        }
        try (NDArray selector = owner.create(index)) {
            for (int layer = 0; layer < buffers.length; layer++) {
                replace(layer, buffers[layer].get(new NDIndex(":, {}", selector)));
            }
        }
    }

    /** The offset at which {@code added} positions go in layer {@code layer}, after growing its buffer if needed. */
    private long reserve(int layer, long rows, long heads, long added, long headDim) {
        long offset = lengths[layer];
        NDArray buffer = buffers[layer];
        if (buffer != null) {
            Shape shape = buffer.getShape();
            if (shape.get(1) != rows || shape.get(2) != heads || shape.get(4) != headDim) {
                throw new IllegalArgumentException("layer " + layer + " caches " + shape.get(1) + " rows of "
                        + shape.get(2) + " heads × " + shape.get(4) + ", cannot append " + rows + " rows of " + heads
                        + " heads × " + headDim);
            }
            if (offset + added <= shape.get(3)) {
                return offset;
            }
        }
        long capacity = buffer == null ? initialCapacity : buffer.getShape().get(3);
        while (capacity < offset + added) {
            capacity *= 2;
        }
        NDArray grown = owner.zeros(new Shape(2, rows, heads, capacity, headDim), DataType.FLOAT32);
        if (buffer != null && offset > 0) {
            try (NDArray prefix = slicePositions(buffer, offset)) {
                JniUtils.indexSet((PtNDArray) grown, (PtNDArray) prefix, new long[] {0, 0, 0, 0, 0},
                        new long[] {2, rows, heads, offset, headDim}, new long[] {1, 1, 1, 1, 1});
            }
        }
        replace(layer, grown);
        return offset;
    }

    /** Copies {@code data} into positions {@code [offset, offset + added)} from index {@code first} of dim 0. */
    private void write(int layer, NDArray data, long first, long offset, long added) {
        Shape shape = buffers[layer].getShape();
        long last = data.getShape().dimension() == 5 ? first + 2 : first + 1;
        JniUtils.indexSet((PtNDArray) buffers[layer], (PtNDArray) data, new long[] {first, 0, 0, offset, 0},
                new long[] {last, shape.get(1), shape.get(2), offset + added, shape.get(4)},
                new long[] {1, 1, 1, 1, 1});
    }

    /** Views of the keys and values of the positions filled so far, {@code [rows, heads, length, headDim]} each. */
    private NDArray[] filled(int layer) {
        try (NDArray prefix = slicePositions(buffers[layer], lengths[layer])) {
            // get(manager, index) selects in one call (get(index) would parse an NDIndex)
            return new NDArray[] {prefix.get(owner, 0), prefix.get(owner, 1)};
        }
    }

    private static NDArray slicePositions(NDArray buffer, long length) {
        return JniUtils.slice((PtNDArray) buffer, 3, 0, length, 1);
    }

    private void replace(int layer, NDArray buffer) {
        NDScope.unregister(buffer);
        buffer.attach(owner);
        if (buffers[layer] != null && buffers[layer] != buffer) {
            keysTransposed[layer].close();
            values[layer].close();
            buffers[layer].close();
        }
        buffers[layer] = buffer;
        try (NDArray keys = buffer.get(owner, 0)) {
            keysTransposed[layer] = keys.transpose(0, 1, 3, 2);
        }
        values[layer] = buffer.get(owner, 1);
        NDScope.unregister(keysTransposed[layer], values[layer]);
    }

    @Override
    public void close() {
        owner.close();
    }
}
