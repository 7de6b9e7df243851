package visq.actors.weights;

import akka.actor.typed.ActorRef;
import com.google.protobuf.ByteString;
import java.util.zip.CRC32C;
import visq.actors.protocol.ClusterMessage;

/**
 * One bounded piece of an encoded weight snapshot of {@code snapshotBytes} bytes: {@code data} belongs at
 * {@code offset}, and {@code crc32c} is the CRC-32C its publisher computed over it. A snapshot of {@code count}
 * chunks is complete when every index has arrived, each matching its CRC-32C, and they tile the snapshot; its bytes
 * are then those the publisher checked against {@code sha256} (the SHA-256 of the whole snapshot, its identity).
 * {@code lineage} names the publisher whose numbering {@code version} belongs to: a learner restarted from a
 * checkpoint publishes a new lineage, whose versions restart below those its predecessor published after that
 * checkpoint. The receiver acknowledges every chunk to {@code replyTo} ({@link WeightPublisher.ChunkReceived}): the
 * publisher sends a subscriber more only as chunks are acknowledged.
 */
public record WeightChunk(String modelId, String lineage, long version, int index, int count, String sha256,
        int snapshotBytes, int offset, int crc32c, ByteString data, ActorRef<WeightPublisher.Command> replyTo)
        implements ClusterMessage {

    public WeightChunk {
        if (count <= 0 || index < 0 || index >= count) {
            throw new IllegalArgumentException("chunk index " + index + " outside 0.." + (count - 1));
        }
        if (offset < 0 || offset > snapshotBytes - data.size()) {
            throw new IllegalArgumentException("chunk of " + data.size() + " bytes at " + offset
                    + " lies outside a snapshot of " + snapshotBytes + " bytes");
        }
    }

    /** The CRC-32C of {@code data}, read in place (hardware-accelerated where the CPU has an instruction for it). */
    public static int crc32c(ByteString data) {
        CRC32C crc = new CRC32C();
        data.asReadOnlyByteBufferList().forEach(crc::update);
        return (int) crc.getValue();
    }
}
