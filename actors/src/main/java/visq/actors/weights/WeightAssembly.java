package visq.actors.weights;

import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Optional;
import java.util.zip.CRC32C;
import visq.gpu.model.EncodedWeights;

/**
 * Reassembles the newest weight snapshot from chunks. {@link #updated} returns the next state.
 *
 * <p>Latest wins within a lineage (one publisher's numbering): chunks of a version older than the one being
 * assembled (or already held) are ignored; a chunk of a newer version drops the partial older one (reported by
 * {@link #abandoned}, with the chunks it lacked). A chunk of another lineage is newer whatever its version: the
 * learner that publishes it restarted from a checkpoint, and weights of the old lineage with higher versions were
 * trained after that checkpoint by a learner that is gone. (The cluster runs one learner, so lineages follow one
 * another and never interleave.)
 *
 * <p>Integrity: every chunk is checked against the CRC-32C its publisher computed over it, as it arrives; a chunk
 * that fails drops its version at once (the rest of that version's chunks are ignored) and is reported by
 * {@link #corruption}, naming the chunk. A completed snapshot whose chunks do not tile it is discarded and reported
 * the same way. The publisher sends only versions whose SHA-256 matches their bytes, so a snapshot whose chunks all
 * match and tile it is that version's bytes: its SHA-256 is not computed again here (at about 1.5 GB/s on one core
 * it cost more than the transfer; CRC-32C runs at about 20 GB/s). The SHA-256 stays the version's identity, checked
 * against the publisher's bytes; the CRC-32Cs guard the way between them.
 *
 * <p>A snapshot of any size is held once while it arrives: each chunk is copied into one buffer of the snapshot's
 * size and checked there, and the completed snapshot is that buffer, not a copy. The buffer is direct (off the heap):
 * the tensors a snapshot is imported into take their data straight from it, without DJL copying it into direct memory
 * of its own first (see {@code WeightSnapshotCodec#decodeInto}), and a garbage collection never moves it. States of
 * one assembly share that buffer: keep only the newest state and update it once.
 *
 * <p>Buffers are reused, not allocated per version (allocating and first touching 1 GB of direct memory takes longer
 * than pushing it): the assembly holds at most two, the one of the snapshot the holder loaded last
 * ({@link #holdingCompleted}) and one more, which takes the next version. So the snapshot the holder loaded before
 * the last one is overwritten by the version after: a holder must keep neither a loaded snapshot nor memory shared
 * with it once it has loaded the next one (importing with the codec replaces every tensor's memory). A snapshot the
 * holder refused is dropped, not reused (it may have been loaded in part).
 */
public final class WeightAssembly {
    /** The lineage of weights not received from any publisher (a new model's initial weights). */
    private static final String NO_LINEAGE = "";

    private final String heldLineage;
    private final long heldVersion;
    private final String assemblingLineage;
    /** The version being assembled; when {@code partial} is empty, one that was dropped as corrupt (or -1). */
    private final long assemblingVersion;
    private final Optional<PartialSnapshot> partial;
    private final Optional<EncodedWeights> completed;
    private final Optional<String> corruption;
    private final Optional<String> abandoned;
    private final Buffers buffers;

    /**
     * The direct buffers outside {@code partial}: {@code held}, the one of the snapshot the holder loaded last (its
     * tensors share it); {@code spare}, one nothing uses, for the next version (never while a version is being
     * assembled); {@code completed}, the one of the snapshot {@link #completed()} returns.
     */
    private record Buffers(Optional<ByteBuffer> held, Optional<ByteBuffer> spare, Optional<ByteBuffer> completed) {
        static final Buffers NONE = new Buffers(Optional.empty(), Optional.empty(), Optional.empty());

        /** While a version is being assembled in a buffer taken from here or dropped. */
        Buffers assembling() {
            return new Buffers(held, Optional.empty(), Optional.empty());
        }

        Buffers withSpare(ByteBuffer free) {
            return new Buffers(held, Optional.of(free), Optional.empty());
        }
    }

    private WeightAssembly(String heldLineage, long heldVersion, String assemblingLineage, long assemblingVersion,
            Optional<PartialSnapshot> partial, Optional<EncodedWeights> completed, Optional<String> corruption,
            Optional<String> abandoned, Buffers buffers) {
        this.buffers = buffers;
        this.heldLineage = heldLineage;
        this.heldVersion = heldVersion;
        this.assemblingLineage = assemblingLineage;
        this.assemblingVersion = assemblingVersion;
        this.partial = partial;
        this.completed = completed;
        this.corruption = corruption;
        this.abandoned = abandoned;
    }

    /** An assembly for a holder that has version {@code heldVersion} of its initial weights, from no publisher. */
    public static WeightAssembly holding(long heldVersion) {
        return new WeightAssembly(NO_LINEAGE, heldVersion, NO_LINEAGE, -1, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Buffers.NONE);
    }

    /** The state after receiving {@code chunk}. */
    public WeightAssembly updated(WeightChunk chunk) {
        boolean assemblingIt = chunk.lineage().equals(assemblingLineage);
        boolean sameVersion = assemblingIt && chunk.version() == assemblingVersion;
        if ((chunk.lineage().equals(heldLineage) && chunk.version() <= heldVersion)
                || (assemblingIt && chunk.version() < assemblingVersion)
                || (sameVersion && (partial.isEmpty() || !partial.get().fits(chunk)))) {
            return unchanged();
        }
        Optional<String> dropped = partial.filter(older -> !sameVersion).map(older -> "weight version "
                + assemblingVersion + " abandoned for version " + chunk.version() + ": " + older.missing());
        // a new version takes the buffer of the one it abandons, else the spare, when either has its size
        PartialSnapshot next = sameVersion ? partial.get()
                : new PartialSnapshot(chunk, partial.map(older -> older.bytes).or(buffers::spare)
                        .filter(free -> free.capacity() == chunk.snapshotBytes()));
        Optional<String> problem = next.add(chunk);
        if (problem.isEmpty() && !next.complete()) {
            return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), chunk.version(), Optional.of(next),
                    Optional.empty(), Optional.empty(), dropped, buffers.assembling());
        }
        problem = problem.or(next::tilingProblem);
        if (problem.isPresent()) {
            // the version is dropped: its buffer is the spare (nothing saw it), its later chunks are ignored
            return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), chunk.version(), Optional.empty(),
                    Optional.empty(), Optional.of("weight version " + chunk.version() + " " + problem.get()), dropped,
                    buffers.withSpare(next.bytes));
        }
        // every chunk matched its CRC-32C and they tile the snapshot: the publisher's bytes, whose SHA-256 it checked
        // (see the class comment); the buffer is the assembly's alone and never written again: wrapped, not copied
        EncodedWeights weights = EncodedWeights.hashed(chunk.modelId(), chunk.version(),
                UnsafeByteOperations.unsafeWrap(next.bytes.asReadOnlyBuffer()), chunk.sha256());
        return new WeightAssembly(heldLineage, heldVersion, chunk.lineage(), -1, Optional.empty(),
                Optional.of(weights), Optional.empty(), dropped,
                new Buffers(buffers.held(), Optional.empty(), Optional.of(next.bytes)));
    }

    private WeightAssembly unchanged() {
        // a completed snapshot the holder did not load (it refused it) is dropped with its buffer
        return new WeightAssembly(heldLineage, heldVersion, assemblingLineage, assemblingVersion, partial,
                Optional.empty(), Optional.empty(), Optional.empty(),
                new Buffers(buffers.held(), buffers.spare(), Optional.empty()));
    }

    /**
     * The state once the holder has loaded the snapshot {@link #completed()} returned; the snapshot it loaded before
     * is no longer the holder's (its buffer takes the next version).
     */
    public WeightAssembly holdingCompleted() {
        EncodedWeights loaded = completed.orElseThrow(() -> new IllegalStateException("no completed snapshot"));
        return new WeightAssembly(assemblingLineage, loaded.version(), NO_LINEAGE, -1, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(),
                new Buffers(buffers.completed(), buffers.held(), Optional.empty()));
    }

    /** A snapshot completed by the last update, ready to load. */
    public Optional<EncodedWeights> completed() {
        return completed;
    }

    /** Why the last update dropped the version it belongs to as corrupt, if it did. */
    public Optional<String> corruption() {
        return corruption;
    }

    /** The incomplete version the last update dropped for a newer one, with the chunks it lacked, if it did. */
    public Optional<String> abandoned() {
        return abandoned;
    }

    public long heldVersion() {
        return heldVersion;
    }

    /** The chunks of one version received so far, in place in a direct buffer of the snapshot's size. */
    private static final class PartialSnapshot {
        final ByteBuffer bytes;
        private final int count;
        private final BitSet received;
        private final int[] offsets;
        private final int[] lengths;
        private final CRC32C crc = new CRC32C();
        private int receivedCount;

        /** A version of which {@code first} is the first chunk, in {@code free} (of its size) or a new buffer. */
        PartialSnapshot(WeightChunk first, Optional<ByteBuffer> free) {
            this.bytes = free.orElseGet(() -> ByteBuffer.allocateDirect(first.snapshotBytes()));
            this.count = first.count();
            this.received = new BitSet(count);
            this.offsets = new int[count];
            this.lengths = new int[count];
        }

        boolean fits(WeightChunk chunk) {
            return chunk.count() == count && chunk.snapshotBytes() == bytes.capacity();
        }

        /**
         * Copies {@code chunk} in (a repeated index is ignored) and checks its CRC-32C there; returns the problem
         * when it does not match.
         */
        Optional<String> add(WeightChunk chunk) {
            if (received.get(chunk.index())) {
                return Optional.empty();
            }
            int length = chunk.data().size();
            // the CRC-32C of the bytes where they now lie, not of the chunk: what is checked is what is kept
            ByteBuffer place = bytes.slice(chunk.offset(), length);
            chunk.data().copyTo(place);
            crc.reset();
            crc.update(place.flip());
            int actual = (int) crc.getValue();
            if (actual != chunk.crc32c()) {
                return Optional.of(String.format("is corrupt: chunk %d of %d (%d bytes at offset %d) has CRC-32C "
                        + "%08x, its publisher sent %08x", chunk.index(), count, length, chunk.offset(), actual,
                        chunk.crc32c()));
            }
            received.set(chunk.index());
            offsets[chunk.index()] = chunk.offset();
            lengths[chunk.index()] = length;
            receivedCount++;
            return Optional.empty();
        }

        boolean complete() {
            return receivedCount == count;
        }

        /** Why the complete snapshot is unusable, if it is: chunks that do not lie end to end over all of it. */
        Optional<String> tilingProblem() {
            long end = 0;
            for (int i = 0; i < count; i++) {
                if (offsets[i] != end) {
                    return Optional.of("arrived in chunks that do not tile its " + bytes.capacity() + " bytes: chunk " + i
                            + " starts at " + offsets[i] + ", not " + end);
                }
                end += lengths[i];
            }
            return end == bytes.capacity() ? Optional.empty()
                    : Optional.of("arrived in chunks that do not tile its " + bytes.capacity() + " bytes: they end at "
                            + end);
        }

        /** Which chunks have not arrived. */
        String missing() {
            int first = received.nextClearBit(0);
            return (count - receivedCount) + " of its " + count + " chunks had not arrived (the first: chunk "
                    + first + ")";
        }
    }
}
