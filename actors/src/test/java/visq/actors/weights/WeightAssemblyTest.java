package visq.actors.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aCorruptedChunkFailsTheChecksum() {
        List<WeightChunk> chunks = new ArrayList<>(WeightPublisher.split(weights(2, 3000), "a", 1024, null));
        WeightChunk last = chunks.remove(chunks.size() - 1);
        byte[] tampered = last.data().toByteArray();
        tampered[0] ^= 1;
        chunks.add(new WeightChunk(last.modelId(), last.lineage(), last.version(), last.index(), last.count(), last.sha256(),
                last.snapshotBytes(), last.offset(), com.google.protobuf.ByteString.copyFrom(tampered), null));
        WeightAssembly assembly = WeightAssembly.holding(0);
        for (WeightChunk chunk : chunks) {
            assembly = assembly.updated(chunk);
        }
        assertTrue(assembly.completed().isEmpty());
        assertTrue(assembly.corruption().orElseThrow().contains("checksum"));
    }

    @Test
    void chunksThatDoNotTileTheSnapshotAreReportedCorrupt() {
        EncodedWeights original = weights(3, 3000);
        List<WeightChunk> chunks = WeightPublisher.split(original, "a", 1024, null);
        WeightChunk second = chunks.get(1);
        // a chunk placed one byte off: the concatenation still hashes right, the snapshot it writes does not
        WeightChunk shifted = new WeightChunk(second.modelId(), second.lineage(), second.version(), second.index(),
                second.count(), second.sha256(), second.snapshotBytes(), second.offset() + 1,
                second.data().substring(0, second.data().size() - 1), null);
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
}
