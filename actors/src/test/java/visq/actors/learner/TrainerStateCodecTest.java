package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import visq.gpu.model.EncodedWeights;
import visq.gpu.training.AdamWState;
import visq.gpu.training.TrainerState;
import visq.protocol.artifacts.OptimizerState;
import visq.protocol.artifacts.TensorEntry;
import visq.protocol.artifacts.WeightSnapshot;

/** The trainer state through its Protobuf form, and the state of a checkpoint written before a counter existed. */
class TrainerStateCodecTest {

    private static TrainerState state(int supervisedSteps, int grpoOptimizerSteps) {
        return new TrainerState(new AdamWState(List.of(3L, 4L), List.of(new float[] {1, -2}, new float[] {0.5f}),
                List.of(new float[] {3, 4}, new float[] {0.25f})), supervisedSteps, grpoOptimizerSteps, false,
                Optional.empty());
    }

    @Test
    void everyCounterAndMomentSurvivesTheRoundTrip() {
        EncodedWeights reference = EncodedWeights.of("m", 0,
                WeightSnapshot.newBuilder().setModelId("m").setWeightVersion(0).build().toByteArray());
        TrainerState decoded = TrainerStateCodec.decode(TrainerStateCodec.encodeOptimizer(state(7, 12)),
                Optional.of(reference), 19);
        assertEquals(7, decoded.supervisedSteps(), "the recorded count, not the checkpoint's step");
        assertEquals(12, decoded.grpoOptimizerSteps());
        assertEquals(List.of(3L, 4L), decoded.optimizer().steps());
        assertArrayEquals(new float[] {1, -2}, decoded.optimizer().firstMoments().get(0));
        assertArrayEquals(new float[] {0.25f}, decoded.optimizer().secondMoments().get(1));
        assertFalse(decoded.referenceFrozen());
        assertEquals(Optional.of(reference), decoded.reference());
    }

    @Test
    void aRecordedZeroIsKeptAndNotTakenForAnOldCheckpoint() throws Exception {
        byte[] bytes = TrainerStateCodec.encodeOptimizer(state(0, 5));
        assertTrue(OptimizerState.parseFrom(bytes).hasSupervisedSteps(), "written even when 0");
        assertEquals(0, TrainerStateCodec.decode(bytes, Optional.empty(), 9).supervisedSteps());
    }

    @Test
    void aCheckpointWrittenBeforeTheSupervisedCountWasRecordedResumesAtItsStep() {
        byte[] old = OptimizerState.newBuilder().addSteps(4).addFirstMoments(tensor()).addSecondMoments(tensor())
                .setGrpoOptimizerSteps(0).build().toByteArray();
        TrainerState decoded = TrainerStateCodec.decode(old, Optional.empty(), 4);
        assertEquals(4, decoded.supervisedSteps(), "one supervised step per cold-start plan step");
        assertEquals(List.of(4L), decoded.optimizer().steps());
        // no optimiser file at all (a checkpoint older still): the same estimate
        assertEquals(6, TrainerStateCodec.decode(new byte[0], Optional.empty(), 6).supervisedSteps());
    }

    @Test
    void aStateThatIsNotAnOptimizerStateIsRefusedWithAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerStateCodec.decode(new byte[] {(byte) 0xff, 1, 2}, Optional.empty(), 1));
        assertTrue(e.getMessage().contains("not a valid OptimizerState"), e.getMessage());
    }

    /** One float32 0 in the checkpoint's tensor form. */
    private static TensorEntry tensor() {
        return TensorEntry.newBuilder().setName("m0").addShape(1).setData(ByteString.copyFrom(new byte[4])).build();
    }
}
