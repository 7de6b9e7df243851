package visq.gpu.model;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The trainable weights of a policy at one version, as bytes that can cross nodes (in bounded chunks).
 *
 * <p>The bytes are an immutable {@link ByteString}, so a snapshot of a large model is held once: chunks and parsed
 * tensors can be views of it ({@link ByteString#substring}, aliasing parsers) instead of copies. Whether the SHA-256
 * matches is computed once per instance (and not at all when the instance was made from a digest computed over its
 * bytes): a pushed snapshot is hashed as it arrives and not again when it is imported.
 */
public final class EncodedWeights {
    private final String modelId;
    private final long version;
    private final ByteString content;
    private final String sha256;
    /** Whether sha256 is known to be the digest of content; set once checked (a benign race: both threads agree). */
    private volatile boolean digestVerified;

    /**
     * @param modelId the model the weights belong to
     * @param version the weight version
     * @param content a serialized {@code visq.protocol.artifacts.WeightSnapshot}: only trainable tensors, float32
     *     little-endian (immutable, so not copied)
     * @param sha256 lower-case hex SHA-256 of the content, as claimed by whoever sent it (see {@link #digestMatches})
     */
    public EncodedWeights(String modelId, long version, ByteString content, String sha256) {
        this(modelId, version, content, sha256, false);
    }

    /** A copy of {@code bytes}, labelled with {@code sha256} (not checked: see {@link #digestMatches()}). */
    public EncodedWeights(String modelId, long version, byte[] bytes, String sha256) {
        this(modelId, version, ByteString.copyFrom(bytes), sha256, false);
    }

    private EncodedWeights(String modelId, long version, ByteString content, String sha256, boolean digestVerified) {
        this.modelId = Objects.requireNonNull(modelId, "modelId");
        this.version = version;
        this.content = Objects.requireNonNull(content, "content");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.digestVerified = digestVerified;
    }

    /** A copy of {@code bytes}, computing their SHA-256. */
    public static EncodedWeights of(String modelId, long version, byte[] bytes) {
        return of(modelId, version, ByteString.copyFrom(bytes));
    }

    /** {@code content} (immutable, so not copied), computing its SHA-256. */
    public static EncodedWeights of(String modelId, long version, ByteString content) {
        return new EncodedWeights(modelId, version, content, sha256Hex(content), true);
    }

    /**
     * {@code content} with the SHA-256 {@code sha256} that the caller computed over exactly these bytes (a receiver
     * that hashed a snapshot as it arrived): {@link #digestMatches} does not hash it again.
     */
    public static EncodedWeights hashed(String modelId, long version, ByteString content, String sha256) {
        return new EncodedWeights(modelId, version, content, sha256, true);
    }

    public String modelId() {
        return modelId;
    }

    public long version() {
        return version;
    }

    /** The bytes, immutable. */
    public ByteString content() {
        return content;
    }

    /** Lower-case hex SHA-256 of the content. */
    public String sha256() {
        return sha256;
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return content.toByteArray();
    }

    /** Number of bytes. */
    public int size() {
        return content.size();
    }

    /** Whether {@link #sha256()} is the digest of the content (hashed at most once per instance). */
    public boolean digestMatches() {
        if (!digestVerified) {
            digestVerified = sha256Hex(content).equals(sha256);
        }
        return digestVerified;
    }

    /** Lower-case hex SHA-256 of {@code data}, read in place. */
    public static String sha256Hex(ByteString data) {
        MessageDigest digest = newSha256Digest();
        data.asReadOnlyByteBufferList().forEach(digest::update);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A new SHA-256 digest. */
    public static MessageDigest newSha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Lower-case hex SHA-256. */
    public static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(newSha256Digest().digest(data));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncodedWeights that
                && version == that.version
                && modelId.equals(that.modelId)
                && sha256.equals(that.sha256)
                && content.equals(that.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelId, version, sha256);
    }

    @Override
    public String toString() {
        return "EncodedWeights[" + modelId + " v" + version + ", " + content.size() + " bytes, sha256=" + sha256 + "]";
    }
}
