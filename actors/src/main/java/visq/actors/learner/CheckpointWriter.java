package visq.actors.learner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import visq.gpu.model.EncodedWeights;
import visq.protocol.artifacts.CheckpointMetadata;

/**
 * Writes checkpoints atomically: each file is written under a temporary name and renamed into place,
 * weights first and metadata last, so a reader that finds {@code latest.meta.pb} always finds the
 * complete weights it names.
 */
public final class CheckpointWriter {
    public static final String LATEST_METADATA = "latest.meta.pb";

    private final Path directory;

    public CheckpointWriter(Path directory) {
        this.directory = directory;
    }

    /** Writes {@code weights} as the checkpoint of {@code step}; returns the weights file. */
    public Path write(EncodedWeights weights, long step) throws IOException {
        Files.createDirectories(directory);
        String weightsName = String.format("weights-v%06d.pb", weights.version());
        Path weightsFile = directory.resolve(weightsName);
        writeAtomically(weightsFile, weights.bytes());
        CheckpointMetadata metadata = CheckpointMetadata.newBuilder()
                .setModelId(weights.modelId())
                .setWeightVersion(weights.version())
                .setStep(step)
                .setWeightsFile(weightsName)
                .setSha256(weights.sha256())
                .build();
        writeAtomically(directory.resolve(LATEST_METADATA), metadata.toByteArray());
        return weightsFile;
    }

    /** The metadata of the newest checkpoint in {@code directory}. */
    public static CheckpointMetadata readLatest(Path directory) throws IOException {
        return CheckpointMetadata.parseFrom(Files.readAllBytes(directory.resolve(LATEST_METADATA)));
    }

    /** The weights the newest checkpoint names, checked against their recorded digest. */
    public static EncodedWeights readLatestWeights(Path directory) throws IOException {
        CheckpointMetadata metadata = readLatest(directory);
        byte[] bytes = Files.readAllBytes(directory.resolve(metadata.getWeightsFile()));
        return new EncodedWeights(metadata.getModelId(), metadata.getWeightVersion(), bytes, metadata.getSha256());
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temporary, bytes);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
