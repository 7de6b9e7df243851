package visq.deploy.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.WeightSnapshotCodec;

/**
 * A model layout of about {@code nominalBytes} of float32 trainable tensors (blocks of at most 4 Mi floats, 16 MiB,
 * the size of a large LoRA or projection matrix), for pushing weight snapshots of a chosen size through the real
 * codec: the learner side encodes pseudo-random values, the rollout side decodes into zeros of the same layout.
 */
final class SyntheticSnapshot {
    static final String MODEL_ID = "synthetic-push";
    private static final int COLUMNS = 1024;
    private static final int MAX_ROWS = 4096;

    private final List<String> names = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private final WeightSnapshotCodec codec;

    SyntheticSnapshot(long nominalBytes) {
        long floats = Math.max(1, nominalBytes / Float.BYTES);
        for (int i = 0; floats > 0; i++) {
            long rows = Math.min(MAX_ROWS, floats / COLUMNS);
            Shape shape = rows > 0 ? new Shape(rows, COLUMNS) : new Shape(floats);
            names.add("block." + i + ".weight");
            shapes.add(shape);
            floats -= shape.size();
        }
        this.codec = new WeightSnapshotCodec(MODEL_ID, "{\"nominal_bytes\":" + nominalBytes + "}", names, shapes);
    }

    int tensorCount() {
        return shapes.size();
    }

    long floatCount() {
        return shapes.stream().mapToLong(Shape::size).sum();
    }

    WeightSnapshotCodec codec() {
        return codec;
    }

    /** The layout's tensors in {@code manager}, filled with a deterministic pattern that differs per version. */
    List<NDArray> filled(NDManager manager, long version) {
        List<NDArray> tensors = new ArrayList<>(shapes.size());
        for (int t = 0; t < shapes.size(); t++) {
            float[] values = new float[Math.toIntExact(shapes.get(t).size())];
            long state = version * 0x9E3779B97F4A7C15L + t;
            for (int i = 0; i < values.length; i++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                values[i] = (state >>> 40) / (float) (1 << 24) - 0.5f;
            }
            tensors.add(manager.create(values, shapes.get(t)));
        }
        return tensors;
    }

    /** The layout's tensors in {@code manager}, all zero: the holder before its first push. */
    List<NDArray> zeros(NDManager manager) {
        return shapes.stream().map(manager::zeros).toList();
    }

    /** A snapshot of {@link #filled} values at {@code version}, through the codec every model uses. */
    EncodedWeights encode(NDManager manager, long version) {
        try (NDManager scope = manager.newSubManager()) {
            return codec.encode(filled(scope, version), version);
        }
    }
}
