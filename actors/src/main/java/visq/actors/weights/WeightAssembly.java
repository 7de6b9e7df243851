package visq.actors.weights;

import com.google.protobuf.UnsafeByteOperations;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Optional;
import visq.gpu.model.EncodedWeights;

/**
 * Reassembles the newest weight snapshot from chunks. {@link #updated} returns the next state.
 *
 * <p>Latest wins within a lineage (one publisher's numbering): chunks of a version older than the one being
 * assembled (or already held) are ignored; a chunk of a newer version drops the partial older one. A chunk of
 * another lineage is newer whatever its version: the learner that publishes it restarted from a checkpoint, and
 * weights of the old lineage with higher versions were trained after that checkpoint by a learner that is gone.
 * (The cluster runs one learner, so lineages follow one another and never interleave.) A completed snapshot
 * whose checksum does not match, or whose chunks do not tile it, is discarded and reported as corrupt.
 *
 * <p>A snapshot of any size is held once while it arrives: each chunk is copied into one array of the snapshot's
 * size and hashed as soon as every chunk before it has arrived (so the checksum is ready when the last one lands),
 * and the completed snapshot is that array, not a copy. States of one assembly share that array: keep only the
 * newest state and update it once.
 */
public final class WeightAssembly {
    /** The lineage of weights not received from any publisher (a new model's initial weights). */
    private static final String NO_LINEAGE = "";

    private final String heldLineage;
    private final long heldVersion;
    private final String assemblingLineage;
    private final long assemblingVersion;
    private final Optional<PartialSnapshot> partial;
    private final Optional<EncodedWeights> completed;
    private final Optional<String> corruption;

    private WeightAssembly(String heldLineage, long heldVersion, String assemblingLineage, long assemblingVersion,
            Optional<PartialSnapshot> partial, Optional<EncodedWeights> completed, Optional<String> corruption) {
        this.heldLineage = heldLineage;
        this.heldVersion = heldVersion;
        this.assemblingLineage = assemblingLineage;
        this.assemblingVersion = assemblingVersion;
        this.partial = partial;
        this.completed = completed;
        this.corruption = corruption;
    }

    /** An assembly for a holder that has version {@code heldVersion} of its initial weights, from no publisher. */
    public static WeightAssembly holding(long heldVersion) {
        return new WeightAssembly(NO_LINEAGE, heldVersion, NO_LINEAGE, -1, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** The state after receiving {@code chunk}. */
    public WeightAssembly updated(WeightChunk chunk) {
        boolean assemblingIt = chunk.lineage().equals(assemblingLineage);
        boolean sameVersion = assemblingIt && chunk.version() == assemblingVersion && partial.isPresent();
        if ((chunk.lineage().equals(heldLineage) && chunk.version() <= heldVersion)
                || (assemblingIt && chunk.version() < assemblingVersion)
                || (sameVersion && !partial.get().fits(chunk))) {
            return new WeightAssembly(heldLineage, heldVersion, assemblingLineage, assemblingVersion, partial,
                    Optional.empty(), Optional.empty());
        }
        PartialSnapshot next = sameVersion ? partial.get() : new PartialSnapshot(chunk);
        next.add(chunk);
        if (!next.complete()) {
            return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), chunk.version(), Optional.of(next),
                    Optional.empty(), Optional.empty());
        }
        Optional<String> problem = next.problem(chunk.sha256());
        if (problem.isPresent()) {
            return new WeightAssembly(heldLineage, heldVersion, NO_LINEAGE, -1, Optional.empty(), Optional.empty(),
                    Optional.of("weight version " + chunk.version() + " " + problem.get()));
        }
        // the array is the assembly's alone and is never written again: wrapped, not copied
        EncodedWeights weights = EncodedWeights.hashed(chunk.modelId(), chunk.version(),
                UnsafeByteOperations.unsafeWrap(next.bytes), chunk.sha256());
        return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), -1, Optional.empty(),
                Optional.of(weights), Optional.empty());
    }

    /** The state once the holder has loaded the snapshot {@link #completed()} returned. */
    public WeightAssembly holdingCompleted() {
        EncodedWeights loaded = completed.orElseThrow(() -> new IllegalStateException("no completed snapshot"));
        return new WeightAssembly(assemblingLineage, loaded.version(), NO_LINEAGE, -1, Optional.empty(),
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

    /** The chunks of one version received so far, in place in an array of the snapshot's size. */
    private static final class PartialSnapshot {
        final byte[] bytes;
        private final int count;
        private final BitSet received;
        private final int[] offsets;
        private final int[] lengths;
        private final MessageDigest digest = EncodedWeights.newSha256Digest();
        private int receivedCount;
        private int hashedChunks;
        private long hashedBytes;
        private boolean tiled = true;

        PartialSnapshot(WeightChunk first) {
            this.bytes = new byte[first.snapshotBytes()];
            this.count = first.count();
            this.received = new BitSet(count);
            this.offsets = new int[count];
            this.lengths = new int[count];
        }

        boolean fits(WeightChunk chunk) {
            return chunk.count() == count && chunk.snapshotBytes() == bytes.length;
        }

        /** Copies {@code chunk} in (a repeated index is ignored), then hashes every chunk now in sequence. */
        void add(WeightChunk chunk) {
            if (received.get(chunk.index())) {
                return;
            }
            chunk.data().copyTo(bytes, chunk.offset());
            received.set(chunk.index());
            offsets[chunk.index()] = chunk.offset();
            lengths[chunk.index()] = chunk.data().size();
            receivedCount++;
            while (hashedChunks < count && received.get(hashedChunks)) {
                tiled &= offsets[hashedChunks] == hashedBytes;
                digest.update(bytes, offsets[hashedChunks], lengths[hashedChunks]);
                hashedBytes += lengths[hashedChunks];
                hashedChunks++;
            }
        }

        boolean complete() {
            return receivedCount == count;
        }

        /** Why the complete snapshot is unusable, if it is: chunks that do not tile it, or a wrong checksum. */
        Optional<String> problem(String expectedSha256) {
            if (!tiled || hashedBytes != bytes.length) {
                return Optional.of("arrived in chunks that do not tile its " + bytes.length + " bytes");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            return actual.equals(expectedSha256) ? Optional.empty()
                    : Optional.of("failed its checksum: expected " + expectedSha256 + ", got " + actual);
        }
    }
}
