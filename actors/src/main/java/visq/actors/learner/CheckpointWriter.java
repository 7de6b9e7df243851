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
 * complete weights it names. Each checkpoint's metadata is also kept as {@code meta-v<version>.pb}
 * beside its files, so that an older checkpoint can be resumed from when a newer one is damaged
 * ({@link CheckpointRecovery}); the metadata records the SHA-256 of every file it names.
 */
public final class CheckpointWriter {
    public static final String LATEST_METADATA = "latest.meta.pb";
    /** Checkpoints kept on disk; older ones are removed after each write. */
    public static final int KEPT = 3;
    /** The file names of one checkpoint's files, each followed by its weight version: {@code v000012.pb}. */
    static final List<String> FILE_PREFIXES = List.of("weights-", "optimizer-", "reference-", "meta-");

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
        String weightsName = fileName("weights-", weights.version());
        String optimizerName = fileName("optimizer-", weights.version());
        byte[] optimizer = TrainerStateCodec.encodeOptimizer(checkpoint.trainer());
        writeAtomically(directory.resolve(weightsName), weights.bytes());
        writeAtomically(directory.resolve(optimizerName), optimizer);
        CheckpointMetadata.Builder metadata = CheckpointMetadata.newBuilder()
                .setModelId(weights.modelId())
                .setWeightVersion(weights.version())
                .setStep(checkpoint.step())
                .setWeightsFile(weightsName)
                .setSha256(weights.sha256())
                .setOptimizerFile(optimizerName)
                .setOptimizerSha256(EncodedWeights.sha256Hex(optimizer))
                .addAllCursors(checkpoint.cursors());
        if (checkpoint.trainer().reference().isPresent()) {
            String referenceName = fileName("reference-", weights.version());
            EncodedWeights reference = checkpoint.trainer().reference().get();
            writeAtomically(directory.resolve(referenceName), reference.bytes());
            metadata.setReferenceWeightsFile(referenceName).setReferenceSha256(reference.sha256());
        }
        byte[] metadataBytes = metadata.build().toByteArray();
        writeAtomically(directory.resolve(fileName("meta-", weights.version())), metadataBytes);
        writeAtomically(directory.resolve(LATEST_METADATA), metadataBytes);
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
        return readCheckpoint(directory, readLatest(directory));
    }

    /**
     * The checkpoint {@code metadata} describes, every file checked against its recorded SHA-256 (where recorded)
     * and parsed. Throws an {@link IOException} naming the first file that is missing, damaged or unreadable.
     */
    static Checkpoint readCheckpoint(Path directory, CheckpointMetadata metadata) throws IOException {
        byte[] weightBytes = readChecked(directory, metadata.getWeightsFile(), metadata.getSha256());
        EncodedWeights weights =
                new EncodedWeights(metadata.getModelId(), metadata.getWeightVersion(), weightBytes, metadata.getSha256());
        Optional<EncodedWeights> reference = Optional.empty();
        if (!metadata.getReferenceWeightsFile().isEmpty()) {
            byte[] bytes = readChecked(directory, metadata.getReferenceWeightsFile(), metadata.getReferenceSha256());
            long referenceVersion = parsed(metadata.getReferenceWeightsFile(),
                    () -> WeightSnapshot.parseFrom(bytes).getWeightVersion());
            reference = Optional.of(EncodedWeights.of(metadata.getModelId(), referenceVersion, bytes));
        }
        byte[] optimizer = metadata.getOptimizerFile().isEmpty()
                ? new byte[0] : readChecked(directory, metadata.getOptimizerFile(), metadata.getOptimizerSha256());
        Optional<EncodedWeights> frozen = reference;
        long step = metadata.getStep();
        return new Checkpoint(step, weights,
                parsed(metadata.getOptimizerFile(), () -> TrainerStateCodec.decode(optimizer, frozen, step)),
                metadata.getCursorsList());
    }

    /** The name of a checkpoint file: {@code prefix} (one of {@link #FILE_PREFIXES}) and the weight version. */
    static String fileName(String prefix, long version) {
        return String.format("%sv%06d.pb", prefix, version);
    }

    private static byte[] readChecked(Path directory, String name, String sha256) throws IOException {
        if (name.isEmpty()) {
            throw new IOException("the checkpoint metadata names no weights file");
        }
        byte[] bytes = Files.readAllBytes(directory.resolve(name));
        if (!sha256.isEmpty() && !EncodedWeights.sha256Hex(bytes).equals(sha256)) {
            throw new IOException(name + " (" + bytes.length + " bytes) does not match its recorded SHA-256:"
                    + " truncated or corrupt");
        }
        return bytes;
    }

    /** A file's content decoded by {@code decode}; a decoding failure becomes an IOException naming the file. */
    private static <T> T parsed(String name, Decoder<T> decode) throws IOException {
        try {
            return decode.decode();
        } catch (IOException | RuntimeException e) {
            throw new IOException(name + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    private interface Decoder<T> {
        T decode() throws IOException;
    }

    private void removeOlderThanKept() throws IOException {
        List<Path> weightFiles;
        try (Stream<Path> files = Files.list(directory)) {
            weightFiles = files.filter(f -> f.getFileName().toString().matches("weights-v\\d+\\.pb"))
                    .sorted(Comparator.reverseOrder()).toList();
        }
        for (Path old : weightFiles.subList(Math.min(KEPT, weightFiles.size()), weightFiles.size())) {
            String version = old.getFileName().toString().substring("weights-".length());
            for (String prefix : FILE_PREFIXES) {
                Files.deleteIfExists(directory.resolve(prefix + version));
            }
        }
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                if (Files.isRegularFile(temporary)) {
                    Files.delete(temporary); // a full disk leaves a partial file: give its space back
                }
            } catch (IOException ignored) {
                // the write's own failure is the one to report
            }
            throw e;
        }
    }
}
