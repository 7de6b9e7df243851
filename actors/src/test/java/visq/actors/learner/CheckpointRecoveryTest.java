package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.model.EncodedWeights;
import visq.gpu.training.AdamWState;
import visq.gpu.training.TrainerState;
import visq.protocol.artifacts.WeightSnapshot;

/** Resuming from a checkpoint directory whose newest checkpoint is damaged, on real files. */
class CheckpointRecoveryTest {

    private static Checkpoint checkpoint(long step) {
        byte[] weights = WeightSnapshot.newBuilder().setModelId("m").setWeightVersion(step)
                .setModelConfig("x".repeat(4096)).build().toByteArray();
        EncodedWeights reference = EncodedWeights.of("m", 0,
                WeightSnapshot.newBuilder().setModelId("m").setWeightVersion(0).build().toByteArray());
        TrainerState trainer = new TrainerState(new AdamWState(List.of(step), List.of(new float[] {1, 2}),
                List.of(new float[] {3, 4})), 0, 0, true, Optional.of(reference));
        return new Checkpoint(step, EncodedWeights.of("m", step, weights), trainer, List.of());
    }

    private static void writeSteps(Path directory, long... steps) throws IOException {
        CheckpointWriter writer = new CheckpointWriter(directory);
        for (long step : steps) {
            writer.write(checkpoint(step));
        }
    }

    private static void truncate(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anIntactNewestCheckpointIsResumedFromAndNothingIsMoved(@TempDir Path directory) throws IOException {
        writeSteps(directory, 4, 8, 12);
        List<String> before = names(directory);

        CheckpointRecovery.Outcome outcome = CheckpointRecovery.recover(directory);

        assertEquals(12, outcome.checkpoint().orElseThrow().step());
        assertEquals(CheckpointWriter.LATEST_METADATA, outcome.metadataFile());
        assertTrue(outcome.rejected().isEmpty() && outcome.setAside().isEmpty());
        assertEquals(before, names(directory));
    }

    @Test
    void aTruncatedNewestWeightsFileFallsBackToThePreviousCheckpoint(@TempDir Path directory) throws IOException {
        writeSteps(directory, 4, 8, 12);
        truncate(directory.resolve("weights-v000012.pb"));

        CheckpointRecovery.Outcome outcome = CheckpointRecovery.recover(directory);

        assertEquals(8, outcome.checkpoint().orElseThrow().step());
        assertEquals("meta-v000008.pb", outcome.metadataFile());
        assertEquals(1, outcome.rejected().size());
        assertTrue(outcome.rejected().get(0).reason().contains("weights-v000012.pb"), outcome.rejected().toString());
        assertTrue(outcome.setAside().contains("weights-v000012.pb.corrupt"), outcome.setAside().toString());
        assertFalse(Files.exists(directory.resolve("meta-v000012.pb")), "a damaged checkpoint is never tried again");
        assertEquals(8, CheckpointWriter.readLatest(directory).getStep(), "latest.meta.pb names the one resumed from");
        assertEquals(8, CheckpointRecovery.recover(directory).checkpoint().orElseThrow().step());
    }

    @Test
    void aCorruptOptimizerOrMetadataFileIsDetectedToo(@TempDir Path directory) throws IOException {
        writeSteps(directory, 4, 8);
        Files.write(directory.resolve("optimizer-v000008.pb"), new byte[] {1, 2, 3});
        assertEquals(4, CheckpointRecovery.recover(directory).checkpoint().orElseThrow().step());

        Path other = Files.createDirectories(directory.resolve("other"));
        writeSteps(other, 4, 8);
        Files.write(other.resolve(CheckpointWriter.LATEST_METADATA), new byte[] {(byte) 0xff, (byte) 0xff});
        CheckpointRecovery.Outcome outcome = CheckpointRecovery.recover(other);
        assertEquals(8, outcome.checkpoint().orElseThrow().step(), "its own metadata copy still names step 8");
        assertTrue(Files.exists(other.resolve(CheckpointWriter.LATEST_METADATA + CheckpointRecovery.SET_ASIDE_SUFFIX)));
    }

    @Test
    void noIntactCheckpointRefusesNamingEachFileAndChangesNothing(@TempDir Path directory) throws IOException {
        writeSteps(directory, 4, 8);
        truncate(directory.resolve("weights-v000004.pb"));
        truncate(directory.resolve("weights-v000008.pb"));
        List<String> before = names(directory);

        IOException refused = assertThrows(IOException.class, () -> CheckpointRecovery.recover(directory));

        assertTrue(refused.getMessage().contains("weights-v000004.pb")
                && refused.getMessage().contains("weights-v000008.pb"), refused.getMessage());
        assertEquals(before, names(directory));
    }

    @Test
    void anEmptyDirectoryHasNothingToResume(@TempDir Path directory) throws IOException {
        assertTrue(CheckpointRecovery.recover(directory).checkpoint().isEmpty());
        assertTrue(CheckpointRecovery.recover(directory.resolve("absent")).checkpoint().isEmpty());
    }
}
