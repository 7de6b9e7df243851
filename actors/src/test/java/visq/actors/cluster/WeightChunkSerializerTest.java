package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.weights.WeightAssembly;
import visq.actors.weights.WeightChunk;
import visq.actors.weights.WeightPublisher;
import visq.gpu.model.EncodedWeights;

/** Weight chunks through the serializer Akka binds to them: both of Akka's paths, and frames that are not chunks. */
class WeightChunkSerializerTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ConfigFactory.parseString(
            "akka.actor.provider = cluster\nakka.remote.artery.canonical.port = 0\nakka.loglevel = WARNING")
            .withFallback(ConfigFactory.load()));
    /** Artery's own header before the message in its frame. */
    private static final int ARTERY_HEADER = 28;

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static Serializer bound(Object message) {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(TEST_KIT.system()));
        Serializer serializer = serialization.findSerializerFor(message);
        assertEquals(WeightChunkSerializer.IDENTIFIER, serializer.identifier(), "bound serializer of " + message);
        return serializer;
    }

    private static WeightChunk chunk(byte[] snapshot, int offset, int length, TestProbe<WeightPublisher.Command> to) {
        ByteString data = ByteString.copyFrom(snapshot).substring(offset, offset + length);
        return new WeightChunk("compact-vlm", "lineage-1", 7, offset / length, snapshot.length / length, "abc",
                snapshot.length, offset, WeightChunk.crc32c(data), data, to.getRef());
    }

    /** Written the way Artery writes: into a little-endian direct frame after its own header. */
    private static ByteBuffer frame(Serializer serializer, WeightChunk chunk) {
        ByteBuffer frame = ByteBuffer.allocateDirect(512 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        frame.position(ARTERY_HEADER);
        ((ByteBufferSerializer) serializer).toBinary(chunk, frame);
        frame.flip();
        return frame;
    }

    /** The frame as Artery's TCP transport hands it to a receiver: an array of its own, read after the header. */
    private static ByteBuffer inbound(ByteBuffer frame) {
        byte[] copy = new byte[frame.remaining()];
        frame.duplicate().get(copy);
        return ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).position(ARTERY_HEADER);
    }

    private static Object read(Serializer serializer, ByteBuffer buffer, WeightChunk chunk)
            throws NotSerializableException {
        return ((ByteBufferSerializer) serializer).fromBinary(buffer, Serializers.manifestFor(serializer, chunk));
    }

    @Test
    void aChunkRoundTripsThroughBothPathsWithItsReplyReference() throws Exception {
        byte[] snapshot = new byte[1_000_000];
        new Random(3).nextBytes(snapshot);
        TestProbe<WeightPublisher.Command> publisher = TEST_KIT.createTestProbe();
        WeightChunk chunk = chunk(snapshot, 400_000, 200_000, publisher);
        Serializer serializer = bound(chunk);
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(TEST_KIT.system()));
        assertEquals(chunk, serialization.deserialize(serializer.toBinary(chunk), serializer.identifier(),
                Serializers.manifestFor(serializer, chunk)).get(), "the array path");
        ByteBuffer direct = frame(serializer, chunk);
        ByteBuffer directRead = direct.duplicate().position(ARTERY_HEADER);
        assertEquals(chunk, read(serializer, directRead, chunk), "read from a direct frame (copied out)");
        assertEquals(direct.limit(), directRead.position(), "the whole chunk is consumed");
        ByteBuffer heap = inbound(direct);
        WeightChunk back = (WeightChunk) read(serializer, heap, chunk);
        assertEquals(chunk, back, "read from an inbound TCP frame (a view of it)");
        back.replyTo().tell(new WeightPublisher.ChunkReceived(TEST_KIT.createTestProbe(WeightChunk.class).getRef(),
                "lineage-1", 7, 2));
        assertEquals(2, ((WeightPublisher.ChunkReceived) publisher.receiveMessage()).index());
    }

    @Test
    void aCorruptPayloadIsRefusedByTheReceiverNamingTheChunk() throws Exception {
        byte[] snapshot = new byte[4096];
        new Random(5).nextBytes(snapshot);
        EncodedWeights weights = EncodedWeights.of("compact-vlm", 7, snapshot);
        TestProbe<WeightPublisher.Command> publisher = TEST_KIT.createTestProbe();
        WeightAssembly assembly = WeightAssembly.holding(0);
        Serializer serializer = bound(WeightPublisher.split(weights, "lineage-1", 1024, publisher.getRef()).get(0));
        for (WeightChunk chunk : WeightPublisher.split(weights, "lineage-1", 1024, publisher.getRef())) {
            ByteBuffer received = inbound(frame(serializer, chunk));
            if (chunk.index() == 2) {
                int last = received.limit() - 1;
                received.put(last, (byte) (received.get(last) ^ 0x10)); // one bit of the payload flipped on the way
            }
            assembly = assembly.updated((WeightChunk) read(serializer, received, chunk));
            if (chunk.index() == 2) {
                String problem = assembly.corruption().orElseThrow();
                assertTrue(problem.contains("weight version 7 is corrupt: chunk 2 of 4 (1024 bytes at offset 2048)"),
                        problem);
            }
            assertTrue(assembly.completed().isEmpty(), "a version with a corrupt chunk never completes");
        }
    }

    @Test
    void framesOfTheWrongSizeOrFormatAreRefusedSayingWhy() {
        byte[] snapshot = new byte[8192];
        TestProbe<WeightPublisher.Command> publisher = TEST_KIT.createTestProbe();
        WeightChunk chunk = chunk(snapshot, 4096, 1024, publisher);
        Serializer serializer = bound(chunk);
        ByteBuffer frame = inbound(frame(serializer, chunk));
        ByteBuffer truncated = frame.duplicate().limit(frame.limit() - 10);
        NotSerializableException shorter = assertThrows(NotSerializableException.class,
                () -> read(serializer, truncated, chunk));
        assertTrue(shorter.getMessage().contains("announces 1024 bytes of data, its frame holds 1014"),
                shorter.getMessage());
        ByteBuffer headerOnly = frame.duplicate().limit(ARTERY_HEADER + 12);
        NotSerializableException cut = assertThrows(NotSerializableException.class,
                () -> read(serializer, headerOnly, chunk));
        assertTrue(cut.getMessage().startsWith("malformed weight chunk"), cut.getMessage());
        ByteBuffer otherFormat = frame.duplicate();
        otherFormat.put(ARTERY_HEADER, (byte) 9);
        NotSerializableException format = assertThrows(NotSerializableException.class,
                () -> read(serializer, otherFormat, chunk));
        assertTrue(format.getMessage().contains("weight chunk in format 9"), format.getMessage());
        assertThrows(NotSerializableException.class, () -> ((ByteBufferSerializer) serializer)
                .fromBinary(frame.duplicate(), "X"));
    }

    @Test
    void aChunkThatLiesOutsideItsSnapshotIsRefused() throws Exception {
        byte[] snapshot = new byte[8192];
        TestProbe<WeightPublisher.Command> publisher = TEST_KIT.createTestProbe();
        WeightChunk chunk = chunk(snapshot, 4096, 1024, publisher);
        Serializer serializer = bound(chunk);
        ByteBuffer frame = inbound(frame(serializer, chunk));
        // the snapshot size field: after the format byte, two strings, the version, the index, the count and the hash
        int snapshotBytesAt = ARTERY_HEADER + 1 + 4 + "compact-vlm".length() + 4 + "lineage-1".length() + 8 + 4 + 4
                + 4 + "abc".length();
        assertEquals(8192, frame.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(snapshotBytesAt));
        frame.order(ByteOrder.BIG_ENDIAN).putInt(snapshotBytesAt, 4096).order(ByteOrder.LITTLE_ENDIAN);
        NotSerializableException outside = assertThrows(NotSerializableException.class,
                () -> read(serializer, frame, chunk));
        assertTrue(outside.getMessage().contains("lies outside a snapshot of 4096 bytes"), outside.getMessage());
    }
}
