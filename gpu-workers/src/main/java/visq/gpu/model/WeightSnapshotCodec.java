package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import visq.protocol.artifacts.TensorEntry;
import visq.protocol.artifacts.WeightSnapshot;

/**
 * Trainable float32 tensors to a {@code WeightSnapshot} and back, for every model family: the names and shapes of
 * a model's trainable tensors are its layout; a snapshot loads only into a model with the same id and layout.
 */
public final class WeightSnapshotCodec {

    private final String modelId;
    private final String modelConfigJson;
    private final List<String> names;
    private final List<Shape> shapes;

    /**
     * @param modelId the id snapshots are labelled with and checked against
     * @param modelConfigJson what snapshots carry as {@code model_config}
     * @param names the trainable tensors' names, in the model's order
     * @param shapes their shapes, in the same order
     */
    public WeightSnapshotCodec(String modelId, String modelConfigJson, List<String> names, List<Shape> shapes) {
        if (names.size() != shapes.size()) {
            throw new IllegalArgumentException(names.size() + " tensor names but " + shapes.size() + " shapes");
        }
        this.modelId = modelId;
        this.modelConfigJson = modelConfigJson;
        this.names = List.copyOf(names);
        this.shapes = List.copyOf(shapes);
    }

    /** {@code tensors} (in layout order) as a snapshot labelled {@code version}. */
    public EncodedWeights encode(List<NDArray> tensors, long version) {
        if (tensors.size() != names.size()) {
            throw new IllegalArgumentException(tensors.size() + " tensors for a layout of " + names.size());
        }
        WeightSnapshot.Builder snapshot = WeightSnapshot.newBuilder()
                .setModelId(modelId)
                .setWeightVersion(version)
                .setModelConfig(modelConfigJson);
        for (int i = 0; i < names.size(); i++) {
            float[] values = tensors.get(i).toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            // the array is this entry's alone: wrapped, not copied
            TensorEntry.Builder entry = TensorEntry.newBuilder().setName(names.get(i))
                    .setData(UnsafeByteOperations.unsafeWrap(bytes.array()));
            for (long dimension : shapes.get(i).getShape()) {
                entry.addShape(dimension);
            }
            snapshot.addTensors(entry);
        }
        return EncodedWeights.of(modelId, version, UnsafeByteOperations.unsafeWrap(snapshot.build().toByteArray()));
    }

    /**
     * The values of every tensor of the layout, in order, after checking the digest, the model id (of the envelope
     * and of the snapshot), the version, and each tensor's name, shape and size.
     *
     * @throws IllegalArgumentException naming the first mismatch; nothing is changed
     */
    public float[][] decode(EncodedWeights weights) {
        List<ByteString> data = checkedTensorData(weights);
        float[][] values = new float[data.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = floats(data.get(i));
        }
        return values;
    }

    /**
     * Checks {@code weights} as {@link #decode} does, then writes every tensor into {@code tensors} in place, one at a
     * time (all or nothing: nothing is written unless every check passed).
     */
    public void decodeInto(EncodedWeights weights, List<NDArray> tensors) {
        List<ByteString> data = checkedTensorData(weights);
        for (int i = 0; i < data.size(); i++) {
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                // the snapshot's bytes are the tensor's native bytes. DJL (PtNDArray.set) copies heap bytes into
                // direct memory it allocates and makes the tensor's data that memory; bytes already in direct memory
                // (a snapshot assembled from a weight push) become the tensor's data as they are, without a copy:
                // the tensors then share the snapshot's memory, which nothing writes again
                tensors.get(i).set(data.get(i).asReadOnlyByteBuffer());
            } else {
                tensors.get(i).set(FloatBuffer.wrap(floats(data.get(i))));
            }
        }
    }

    /** Every tensor's data in layout order, views of the snapshot's bytes, after every check. */
    private List<ByteString> checkedTensorData(EncodedWeights weights) {
        if (!weights.digestMatches()) {
            throw new IllegalArgumentException("weights " + weights.modelId() + " v" + weights.version()
                    + ": sha256 " + weights.sha256() + " does not match the bytes");
        }
        if (!modelId.equals(weights.modelId())) {
            throw new IllegalArgumentException(
                    "weights are for model " + weights.modelId() + ", this model is " + modelId);
        }
        WeightSnapshot snapshot;
        try {
            CodedInputStream input = weights.content().newCodedInput();
            input.enableAliasing(true); // tensor data stays a view of the (immutable) content
            snapshot = WeightSnapshot.parseFrom(input);
        } catch (IOException e) {
            throw new IllegalArgumentException("weights v" + weights.version() + " are not a WeightSnapshot", e);
        }
        if (!modelId.equals(snapshot.getModelId())) {
            throw new IllegalArgumentException(
                    "weight snapshot is for model " + snapshot.getModelId() + ", this model is " + modelId);
        }
        if (snapshot.getWeightVersion() != weights.version()) {
            throw new IllegalArgumentException("weight snapshot says version " + snapshot.getWeightVersion()
                    + " but was sent as version " + weights.version());
        }
        Map<String, TensorEntry> entries = new HashMap<>();
        for (TensorEntry entry : snapshot.getTensorsList()) {
            if (entries.put(entry.getName(), entry) != null) {
                throw new IllegalArgumentException("weight snapshot holds tensor " + entry.getName() + " twice");
            }
        }
        List<ByteString> data = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Shape expected = shapes.get(i);
            TensorEntry entry = entries.remove(name);
            if (entry == null) {
                throw layoutMismatch("weight snapshot lacks tensor " + name, snapshot);
            }
            Shape shape = new Shape(entry.getShapeList().stream().mapToLong(Long::longValue).toArray());
            if (!shape.equals(expected)) {
                throw layoutMismatch("tensor " + name + " has shape " + shape + ", the model needs " + expected,
                        snapshot);
            }
            if (entry.getData().size() != expected.size() * Float.BYTES) {
                throw new IllegalArgumentException("tensor " + name + " holds " + entry.getData().size()
                        + " bytes, shape " + shape + " needs " + expected.size() * Float.BYTES);
            }
            data.add(entry.getData());
        }
        if (!entries.isEmpty()) {
            throw layoutMismatch("weight snapshot holds unknown tensors " + entries.keySet(), snapshot);
        }
        return data;
    }

    /**
     * {@code problem}, followed by both model configurations when they differ: a snapshot of another shape was most
     * likely trained with other model settings (image features, quality prior, width), which this names.
     */
    private IllegalArgumentException layoutMismatch(String problem, WeightSnapshot snapshot) {
        String theirs = snapshot.getModelConfig();
        if (theirs.isEmpty() || theirs.equals(modelConfigJson)) {
            return new IllegalArgumentException(problem);
        }
        return new IllegalArgumentException(problem + ": the weights were written by a model configured as "
                + theirs + ", this model is configured as " + modelConfigJson + " (visq.model settings)");
    }

    private static float[] floats(ByteString data) {
        float[] floats = new float[data.size() / Float.BYTES];
        data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
        return floats;
    }
}
