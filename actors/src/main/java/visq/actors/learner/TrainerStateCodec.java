package visq.actors.learner;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import visq.gpu.model.EncodedWeights;
import visq.gpu.training.AdamWState;
import visq.gpu.training.TrainerState;
import visq.protocol.artifacts.OptimizerState;
import visq.protocol.artifacts.TensorEntry;

/** Encodes a trainer's optimiser state as Protobuf ({@link OptimizerState}, float32 little-endian moments). */
final class TrainerStateCodec {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerStateCodec.class);

    private TrainerStateCodec() {}

    static byte[] encodeOptimizer(TrainerState state) {
        OptimizerState.Builder out = OptimizerState.newBuilder()
                .setSupervisedSteps(state.supervisedSteps())
                .setGrpoOptimizerSteps(state.grpoOptimizerSteps())
                .setReferenceFrozen(state.referenceFrozen());
        AdamWState optimizer = state.optimizer();
        for (int i = 0; i < optimizer.steps().size(); i++) {
            out.addSteps(optimizer.steps().get(i));
            out.addFirstMoments(tensor("m" + i, optimizer.firstMoments().get(i)));
            out.addSecondMoments(tensor("v" + i, optimizer.secondMoments().get(i)));
        }
        return out.build().toByteArray();
    }

    /**
     * The trainer state in {@code optimizerBytes}. A state written before the supervised step count was recorded
     * gives {@code checkpointStep} instead, logged: the cold start trains one supervised step per plan step, so that is
     * the count for a checkpoint inside the cold start, and the trainer caps it at the cold start's length after it.
     */
    static TrainerState decode(byte[] optimizerBytes, Optional<EncodedWeights> reference, long checkpointStep) {
        OptimizerState in;
        try {
            in = OptimizerState.parseFrom(optimizerBytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("optimizer state is not a valid OptimizerState message", e);
        }
        List<float[]> m = new ArrayList<>();
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < in.getStepsCount(); i++) {
            m.add(values(in.getFirstMoments(i)));
            v.add(values(in.getSecondMoments(i)));
        }
        long supervisedSteps = in.getSupervisedSteps();
        if (!in.hasSupervisedSteps()) {
            supervisedSteps = checkpointStep;
            LOG.warn("the optimiser state of the checkpoint at step {} predates the recorded supervised step count;"
                    + " the cold-start learning-rate schedule resumes at supervised step {} (one per plan step,"
                    + " capped at the cold start's length)", checkpointStep, checkpointStep);
        }
        return new TrainerState(new AdamWState(in.getStepsList(), m, v), Math.toIntExact(supervisedSteps),
                Math.toIntExact(in.getGrpoOptimizerSteps()), in.getReferenceFrozen(), reference);
    }

    private static TensorEntry tensor(String name, float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return TensorEntry.newBuilder().setName(name).addShape(values.length)
                .setData(ByteString.copyFrom(buffer.array())).build();
    }

    private static float[] values(TensorEntry entry) {
        float[] values = new float[entry.getData().size() / Float.BYTES];
        entry.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
