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
 * <p>Latest wins: chunks of a version older than the one being assembled (or already held) are
 * ignored; a chunk of a newer version drops the partial older one. A completed snapshot whose
 * checksum does not match is discarded and reported as corrupt.
 */
public final class WeightAssembly {
    private final long heldVersion;
    private final long assemblingVersion;
    private final TreeMap<Integer, ByteString> parts;
    private final Optional<EncodedWeights> completed;
    private final Optional<String> corruption;

    private WeightAssembly(long heldVersion, long assemblingVersion, TreeMap<Integer, ByteString> parts,
            Optional<EncodedWeights> completed, Optional<String> corruption) {
        this.heldVersion = heldVersion;
        this.assemblingVersion = assemblingVersion;
        this.parts = parts;
        this.completed = completed;
        this.corruption = corruption;
    }

    /** An assembly for a holder that already has {@code heldVersion}. */
    public static WeightAssembly holding(long heldVersion) {
        return new WeightAssembly(heldVersion, -1, new TreeMap<>(), Optional.empty(), Optional.empty());
    }

    /** The state after receiving {@code chunk}. */
    public WeightAssembly updated(WeightChunk chunk) {
        if (chunk.version() <= heldVersion || chunk.version() < assemblingVersion) {
            return new WeightAssembly(heldVersion, assemblingVersion, parts, Optional.empty(), Optional.empty());
        }
        TreeMap<Integer, ByteString> next =
                chunk.version() == assemblingVersion ? new TreeMap<>(parts) : new TreeMap<>();
        next.put(chunk.index(), chunk.data());
        if (next.size() < chunk.count()) {
            return new WeightAssembly(heldVersion, chunk.version(), next, Optional.empty(), Optional.empty());
        }
        ByteString whole = ByteString.copyFrom(next.values());
        byte[] bytes = whole.toByteArray();
        String actual = sha256(bytes);
        if (!actual.equals(chunk.sha256())) {
            return new WeightAssembly(heldVersion, -1, new TreeMap<>(), Optional.empty(),
                    Optional.of("weight version " + chunk.version() + " failed its checksum: expected "
                            + chunk.sha256() + ", got " + actual));
        }
        EncodedWeights weights = new EncodedWeights(chunk.modelId(), chunk.version(), bytes, actual);
        return new WeightAssembly(heldVersion, -1, new TreeMap<>(), Optional.of(weights), Optional.empty());
    }

    /** The state once the holder has loaded {@code version}. */
    public WeightAssembly holdingVersion(long version) {
        TreeMap<Integer, ByteString> keep = assemblingVersion > version ? parts : new TreeMap<>();
        return new WeightAssembly(version, assemblingVersion > version ? assemblingVersion : -1, keep,
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
