package visq.gpu.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The trainable weights of a policy at one version, as bytes that can cross nodes (in bounded chunks).
 *
 * @param modelId the model the weights belong to
 * @param version the weight version
 * @param bytes a serialized {@code visq.protocol.artifacts.WeightSnapshot}: only trainable tensors, float32
 *     little-endian
 * @param sha256 lower-case hex SHA-256 of {@code bytes}
 */
public record EncodedWeights(String modelId, long version, byte[] bytes, String sha256) {

    public EncodedWeights {
        bytes = bytes.clone();
    }

    /** Wraps {@code bytes}, computing their SHA-256. */
    public static EncodedWeights of(String modelId, long version, byte[] bytes) {
        return new EncodedWeights(modelId, version, bytes, sha256Hex(bytes));
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** Whether {@link #sha256()} is the digest of {@link #bytes()}. */
    public boolean digestMatches() {
        return sha256Hex(bytes).equals(sha256);
    }

    /** Lower-case hex SHA-256. */
    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncodedWeights that
                && version == that.version
                && modelId.equals(that.modelId)
                && sha256.equals(that.sha256)
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelId, version, sha256);
    }

    @Override
    public String toString() {
        return "EncodedWeights[" + modelId + " v" + version + ", " + bytes.length + " bytes, sha256=" + sha256 + "]";
    }
}
