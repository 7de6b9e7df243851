package visq.actors.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import visq.gpu.model.EncodedWeights;

class WeightAssemblyTest {

    private static EncodedWeights weights(long version, int size) {
        byte[] bytes = new byte[size];
        new Random(version).nextBytes(bytes);
        return new EncodedWeights("m", version, bytes, EncodedWeights.sha256Hex(bytes));
    }

    @Test
    void chunksInAnyOrderReassembleTheSnapshot() {
        EncodedWeights original = weights(5, 10_000);
        List<WeightChunk> chunks = new ArrayList<>(WeightPublisher.split(original, "a", 1024, null));
        assertEquals(10, chunks.size()); // ceil(10000 / 1024)
        Collections.shuffle(chunks, new Random(1));
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (int i = 0; i < chunks.size(); i++) {
            assembly = assembly.updated(chunks.get(i));
            assertEquals(i == chunks.size() - 1, assembly.completed().isPresent());
        }
        assertArrayEquals(original.bytes(), assembly.completed().orElseThrow().bytes());
        assertEquals(5, assembly.completed().orElseThrow().version());
    }

    @Test
    void newerVersionWinsAndOlderChunksAreIgnored() {
        List<WeightChunk> v3 = WeightPublisher.split(weights(3, 4000), "a", 1024, null);
        List<WeightChunk> v4 = WeightPublisher.split(weights(4, 4000), "a", 1024, null);
        WeightAssembly assembly = WeightAssembly.holding(0).updated(v3.get(0)).updated(v3.get(1));
        for (WeightChunk chunk : v4) {
            assembly = assembly.updated(chunk);
        }
        assertEquals(4, assembly.completed().orElseThrow().version());
        assembly = assembly.holdingCompleted();
        for (WeightChunk chunk : v3) {
            assembly = assembly.updated(chunk);
            assertTrue(assembly.completed().isEmpty(), "version 3 must not replace held version 4");
        }
    }

    /**
     * A learner restarted from its checkpoint at version 4 publishes a new lineage starting at version 4, below the
     * version 6 its dead predecessor had already pushed: the holder takes it and follows the new lineage.
     */
    @Test
    void aNewLineageReplacesHigherVersionsOfTheOldOne() {
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (WeightChunk chunk : WeightPublisher.split(weights(6, 3000), "dead-learner", 1024, null)) {
            assembly = assembly.updated(chunk);
        }
        assembly = assembly.holdingCompleted();
        assertEquals(6, assembly.heldVersion());
        EncodedWeights resumed = weights(4, 3000);
        for (WeightChunk chunk : WeightPublisher.split(resumed, "restarted-learner", 1024, null)) {
            assembly = assembly.updated(chunk);
        }
        assertArrayEquals(resumed.bytes(), assembly.completed().orElseThrow().bytes());
        assembly = assembly.holdingCompleted();
        assertEquals(4, assembly.heldVersion());
        for (WeightChunk chunk : WeightPublisher.split(weights(5, 3000), "restarted-learner", 1024, null)) {
            assembly = assembly.updated(chunk);
        }
        assertEquals(5, assembly.completed().orElseThrow().version(), "the new lineage goes on as usual");
    }

    /** {@code chunk} with other bytes, its publisher's CRC-32C kept (a chunk damaged on the way). */
    private static WeightChunk withData(WeightChunk chunk, ByteString data) {
        return new WeightChunk(chunk.modelId(), chunk.lineage(), chunk.version(), chunk.index(), chunk.count(),
                chunk.sha256(), chunk.snapshotBytes(), chunk.offset(), chunk.crc32c(), data, null);
    }

    @Test
    void aCorruptedChunkDropsItsVersionAtOnceAndIsNamed() {
        List<WeightChunk> chunks = WeightPublisher.split(weights(2, 3000), "a", 1024, null);
        byte[] tampered = chunks.get(1).data().toByteArray();
        tampered[17] ^= 1;
        WeightAssembly assembly = WeightAssembly.holding(0).updated(chunks.get(0))
                .updated(withData(chunks.get(1), ByteString.copyFrom(tampered)));
        String problem = assembly.corruption().orElseThrow();
        assertTrue(problem.contains("weight version 2") && problem.contains("chunk 1 of 3")
                && problem.contains("1024 bytes at offset 1024") && problem.contains("CRC-32C"), problem);
        // the rest of the version, even the intact chunk 1, cannot complete it: it was dropped
        for (WeightChunk chunk : chunks) {
            assembly = assembly.updated(chunk);
            assertTrue(assembly.completed().isEmpty());
            assertTrue(assembly.corruption().isEmpty(), "reported once");
        }
        EncodedWeights next = weights(3, 3000);
        for (WeightChunk chunk : WeightPublisher.split(next, "a", 1024, null)) {
            assembly = assembly.updated(chunk);
        }
        assertEquals(next, assembly.completed().orElseThrow(), "the next version arrives as usual");
    }

    @Test
    void aChunkWhoseLastByteChangedIsCaught() {
        List<WeightChunk> chunks = new ArrayList<>(WeightPublisher.split(weights(2, 3000), "a", 1024, null));
        WeightChunk last = chunks.remove(chunks.size() - 1);
        byte[] tampered = last.data().toByteArray();
        tampered[tampered.length - 1] ^= (byte) 0x80;
        chunks.add(withData(last, ByteString.copyFrom(tampered)));
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (WeightChunk chunk : chunks) {
            assembly = assembly.updated(chunk);
        }
        assertTrue(assembly.completed().isEmpty());
        assertTrue(assembly.corruption().orElseThrow().contains("chunk 2 of 3"), assembly.corruption().get());
    }

    @Test
    void aMissingChunkLeavesTheVersionIncompleteAndIsReportedWhenANewerOneArrives() {
        List<WeightChunk> v2 = WeightPublisher.split(weights(2, 5000), "a", 1024, null);
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (WeightChunk chunk : v2) {
            if (chunk.index() != 3) {
                assembly = assembly.updated(chunk);
                assertTrue(assembly.completed().isEmpty(), "chunk 3 is missing");
            }
        }
        List<WeightChunk> v3 = WeightPublisher.split(weights(3, 5000), "a", 1024, null);
        assembly = assembly.updated(v3.get(0));
        String note = assembly.abandoned().orElseThrow();
        assertTrue(note.contains("weight version 2 abandoned for version 3") && note.contains("1 of its 5 chunks")
                && note.contains("chunk 3"), note);
        assertTrue(assembly.corruption().isEmpty());
        for (WeightChunk chunk : v3.subList(1, v3.size())) {
            assembly = assembly.updated(chunk);
            assertTrue(assembly.abandoned().isEmpty());
        }
        assertEquals(3, assembly.completed().orElseThrow().version());
    }

    @Test
    void chunksThatDoNotTileTheSnapshotAreReportedCorrupt() {
        EncodedWeights original = weights(3, 3000);
        List<WeightChunk> chunks = WeightPublisher.split(original, "a", 1024, null);
        WeightChunk second = chunks.get(1);
        // a chunk placed one byte off, with the right CRC-32C of what it carries: the snapshot it writes is wrong
        ByteString shortened = second.data().substring(0, second.data().size() - 1);
        WeightChunk shifted = new WeightChunk(second.modelId(), second.lineage(), second.version(), second.index(),
                second.count(), second.sha256(), second.snapshotBytes(), second.offset() + 1,
                WeightChunk.crc32c(shortened), shortened, null);
        WeightAssembly assembly = WeightAssembly.holding(0).updated(chunks.get(0)).updated(shifted)
                .updated(chunks.get(2));
        assertTrue(assembly.completed().isEmpty());
        assertTrue(assembly.corruption().orElseThrow().contains("do not tile"), assembly.corruption().get());
    }

    @Test
    void aRepeatedChunkIsTakenOnce() {
        EncodedWeights original = weights(4, 5000);
        List<WeightChunk> chunks = WeightPublisher.split(original, "a", 1024, null);
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (WeightChunk chunk : chunks.subList(0, 3)) {
            assembly = assembly.updated(chunk).updated(chunk);
        }
        for (WeightChunk chunk : chunks.subList(3, chunks.size())) {
            assembly = assembly.updated(chunk);
        }
        assertEquals(original, assembly.completed().orElseThrow());
        assertTrue(assembly.completed().get().digestMatches());
    }

    /** Feeds every chunk of {@code weights}; returns the state that completed it. */
    private static WeightAssembly assembled(WeightAssembly assembly, EncodedWeights weights) {
        for (WeightChunk chunk : WeightPublisher.split(weights, "a", 1024, null)) {
            assembly = assembly.updated(chunk);
        }
        assertEquals(weights.version(), assembly.completed().orElseThrow().version());
        return assembly;
    }

    @Test
    void buffersAreReusedButNeverTheOneOfTheSnapshotHeld() {
        WeightAssembly assembly = WeightAssembly.holding(0);
        List<EncodedWeights> loaded = new ArrayList<>();
        for (long version = 1; version <= 5; version++) {
            EncodedWeights sent = weights(version, 5000);
            assembly = assembled(assembly, sent);
            EncodedWeights completed = assembly.completed().orElseThrow();
            assertArrayEquals(sent.bytes(), completed.bytes(), "version " + version);
            assertTrue(completed.content().asReadOnlyByteBuffer().isDirect(), "assembled off the heap");
            if (!loaded.isEmpty()) {
                // the version loaded last (whose memory the holder's tensors share) stayed as it was
                EncodedWeights held = loaded.get(loaded.size() - 1);
                assertArrayEquals(weights(held.version(), 5000).bytes(), held.bytes(), "held " + held.version());
            }
            assembly = assembly.holdingCompleted();
            loaded.add(completed);
        }
        // from the third version on, each took the buffer of the one loaded two versions before: 1, 3 and 5 share one
        assertArrayEquals(weights(5, 5000).bytes(), loaded.get(0).bytes(), "version 1's memory now holds version 5");
        assertArrayEquals(weights(4, 5000).bytes(), loaded.get(1).bytes(), "version 2's memory now holds version 4");
    }

    @Test
    void aSnapshotTheHolderRefusedIsNotReused() {
        WeightAssembly assembly = assembled(WeightAssembly.holding(0), weights(1, 5000)).holdingCompleted();
        assembly = assembled(assembly, weights(2, 5000)).holdingCompleted();
        assembly = assembled(assembly, weights(3, 5000));
        EncodedWeights refused = assembly.completed().orElseThrow(); // the holder refuses it: holdingCompleted not called
        assembly = assembled(assembly, weights(4, 5000));
        assertArrayEquals(weights(3, 5000).bytes(), refused.bytes(), "a refused snapshot is left as it was");
        EncodedWeights next = assembly.completed().orElseThrow();
        assertArrayEquals(weights(4, 5000).bytes(), next.bytes());
        assertTrue(next.content().asReadOnlyByteBuffer() != refused.content().asReadOnlyByteBuffer());
    }
}
