package visq.actors.weights;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.TreeMap;
import visq.gpu.model.EncodedWeights;

/**
 * Reassembles the newest weight snapshot from chunks. Immutable: {@link #updated} returns the next state.
 *
 * <p>Latest wins within a lineage (one publisher's numbering): chunks of a version older than the one being
 * assembled (or already held) are ignored; a chunk of a newer version drops the partial older one. A chunk of
 * another lineage is newer whatever its version: the learner that publishes it restarted from a checkpoint, and
 * weights of the old lineage with higher versions were trained after that checkpoint by a learner that is gone.
 * (The cluster runs one learner, so lineages follow one another and never interleave.) A completed snapshot
 * whose checksum does not match is discarded and reported as corrupt.
 */
public final class WeightAssembly {
    /** The lineage of weights not received from any publisher (a new model's initial weights). */
    private static final String NO_LINEAGE = "";

    private final String heldLineage;
    private final long heldVersion;
    private final String assemblingLineage;
    private final long assemblingVersion;
    private final TreeMap<Integer, ByteString> parts;
    private final Optional<EncodedWeights> completed;
    private final Optional<String> corruption;

    private WeightAssembly(String heldLineage, long heldVersion, String assemblingLineage, long assemblingVersion,
            TreeMap<Integer, ByteString> parts, Optional<EncodedWeights> completed, Optional<String> corruption) {
        this.heldLineage = heldLineage;
        this.heldVersion = heldVersion;
        this.assemblingLineage = assemblingLineage;
        this.assemblingVersion = assemblingVersion;
        this.parts = parts;
        this.completed = completed;
        this.corruption = corruption;
    }

    /** An assembly for a holder that has version {@code heldVersion} of its initial weights, from no publisher. */
    public static WeightAssembly holding(long heldVersion) {
        return new WeightAssembly(NO_LINEAGE, heldVersion, NO_LINEAGE, -1, new TreeMap<>(), Optional.empty(),
                Optional.empty());
    }

    /** The state after receiving {@code chunk}. */
    public WeightAssembly updated(WeightChunk chunk) {
        boolean assemblingIt = chunk.lineage().equals(assemblingLineage);
        if ((chunk.lineage().equals(heldLineage) && chunk.version() <= heldVersion)
                || (assemblingIt && chunk.version() < assemblingVersion)) {
            return new WeightAssembly(heldLineage, heldVersion, assemblingLineage, assemblingVersion, parts,
                    Optional.empty(), Optional.empty());
        }
        TreeMap<Integer, ByteString> next =
                assemblingIt && chunk.version() == assemblingVersion ? new TreeMap<>(parts) : new TreeMap<>();
        next.put(chunk.index(), chunk.data());
        if (next.size() < chunk.count()) {
            return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), chunk.version(), next,
                    Optional.empty(), Optional.empty());
        }
        ByteString whole = ByteString.copyFrom(next.values());
        byte[] bytes = whole.toByteArray();
        String actual = sha256(bytes);
        if (!actual.equals(chunk.sha256())) {
            return new WeightAssembly(heldLineage, heldVersion, NO_LINEAGE, -1, new TreeMap<>(), Optional.empty(),
                    Optional.of("weight version " + chunk.version() + " failed its checksum: expected "
                            + chunk.sha256() + ", got " + actual));
        }
        EncodedWeights weights = new EncodedWeights(chunk.modelId(), chunk.version(), bytes, actual);
        return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), -1, new TreeMap<>(),
                Optional.of(weights), Optional.empty());
    }

    /** The state once the holder has loaded the snapshot {@link #completed()} returned. */
    public WeightAssembly holdingCompleted() {
        EncodedWeights loaded = completed.orElseThrow(() -> new IllegalStateException("no completed snapshot"));
        return new WeightAssembly(assemblingLineage, loaded.version(), NO_LINEAGE, -1, new TreeMap<>(),
                Optional.empty(), Optional.empty());
    }

    /** A snapshot completed by the last update, ready to load. */
    public Optional<EncodedWeights> completed() {
        return completed;
    }

    /** Why the last completed snapshot was discarded, if it was. */
    public Optional<String> corruption() {
        return corruption;
    }

    public long heldVersion() {
        return heldVersion;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
