package visq.actors.learner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import visq.gpu.model.EncodedWeights;
import visq.protocol.artifacts.CheckpointMetadata;
import visq.protocol.artifacts.WeightSnapshot;

/**
 * Writes checkpoints atomically: each file is written under a temporary name and renamed into place,
 * weights first and metadata last, so a reader that finds {@code latest.meta.pb} always finds the
 * complete weights it names.
 */
public final class CheckpointWriter {
    public static final String LATEST_METADATA = "latest.meta.pb";
    /** Checkpoints kept on disk; older ones are removed after each write. */
    public static final int KEPT = 3;

    private final Path directory;

    public CheckpointWriter(Path directory) {
        this.directory = directory;
    }

    /**
     * Writes {@code checkpoint}: weights, optimiser state and reference policy first, the metadata that names
     * them last; then removes checkpoints older than the newest {@link #KEPT}. Returns the weights file.
     */
    public Path write(Checkpoint checkpoint) throws IOException {
        Files.createDirectories(directory);
        EncodedWeights weights = checkpoint.weights();
        String weightsName = String.format("weights-v%06d.pb", weights.version());
        String optimizerName = String.format("optimizer-v%06d.pb", weights.version());
        writeAtomically(directory.resolve(weightsName), weights.bytes());
        writeAtomically(directory.resolve(optimizerName), TrainerStateCodec.encodeOptimizer(checkpoint.trainer()));
        CheckpointMetadata.Builder metadata = CheckpointMetadata.newBuilder()
                .setModelId(weights.modelId())
                .setWeightVersion(weights.version())
                .setStep(checkpoint.step())
                .setWeightsFile(weightsName)
                .setSha256(weights.sha256())
                .setOptimizerFile(optimizerName)
                .addAllCursors(checkpoint.cursors());
        if (checkpoint.trainer().reference().isPresent()) {
            String referenceName = String.format("reference-v%06d.pb", weights.version());
            writeAtomically(directory.resolve(referenceName), checkpoint.trainer().reference().get().bytes());
            metadata.setReferenceWeightsFile(referenceName);
        }
        writeAtomically(directory.resolve(LATEST_METADATA), metadata.build().toByteArray());
        removeOlderThanKept();
        return directory.resolve(weightsName);
    }

    /** The metadata of the newest checkpoint in {@code directory}. */
    public static CheckpointMetadata readLatest(Path directory) throws IOException {
        return CheckpointMetadata.parseFrom(Files.readAllBytes(directory.resolve(LATEST_METADATA)));
    }

    /** The weights the newest checkpoint names, checked against their recorded digest. */
    public static EncodedWeights readLatestWeights(Path directory) throws IOException {
        CheckpointMetadata metadata = readLatest(directory);
        byte[] bytes = Files.readAllBytes(directory.resolve(metadata.getWeightsFile()));
        EncodedWeights weights =
                new EncodedWeights(metadata.getModelId(), metadata.getWeightVersion(), bytes, metadata.getSha256());
        if (!weights.digestMatches()) {
            throw new IOException("checkpoint weights " + metadata.getWeightsFile() + " do not match their SHA-256");
        }
        return weights;
    }

    /** The newest complete checkpoint in {@code directory}. */
    public static Checkpoint readLatestCheckpoint(Path directory) throws IOException {
        CheckpointMetadata metadata = readLatest(directory);
        EncodedWeights weights = readLatestWeights(directory);
        Optional<EncodedWeights> reference = Optional.empty();
        if (!metadata.getReferenceWeightsFile().isEmpty()) {
            byte[] bytes = Files.readAllBytes(directory.resolve(metadata.getReferenceWeightsFile()));
            long referenceVersion = WeightSnapshot.parseFrom(bytes).getWeightVersion();
            reference = Optional.of(EncodedWeights.of(metadata.getModelId(), referenceVersion, bytes));
        }
        byte[] optimizer = metadata.getOptimizerFile().isEmpty()
                ? new byte[0] : Files.readAllBytes(directory.resolve(metadata.getOptimizerFile()));
        return new Checkpoint(metadata.getStep(), weights, TrainerStateCodec.decode(optimizer, reference),
                metadata.getCursorsList());
    }

    private void removeOlderThanKept() throws IOException {
        List<Path> weightFiles;
        try (Stream<Path> files = Files.list(directory)) {
            weightFiles = files.filter(f -> f.getFileName().toString().matches("weights-v\\d+\\.pb"))
                    .sorted(Comparator.reverseOrder()).toList();
        }
        for (Path old : weightFiles.subList(Math.min(KEPT, weightFiles.size()), weightFiles.size())) {
            String version = old.getFileName().toString().substring("weights-".length());
            for (String prefix : List.of("weights-", "optimizer-", "reference-")) {
                Files.deleteIfExists(directory.resolve(prefix + version));
            }
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temporary, bytes);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
