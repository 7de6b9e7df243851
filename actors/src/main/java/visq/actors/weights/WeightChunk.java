package visq.actors.weights;

import akka.actor.typed.ActorRef;
import com.google.protobuf.ByteString;
import visq.actors.protocol.ClusterMessage;

/**
 * One bounded piece of an encoded weight snapshot of {@code snapshotBytes} bytes: {@code data} belongs at
 * {@code offset}. A snapshot of {@code count} chunks is complete when every index has arrived and the SHA-256 of
 * their concatenation equals {@code sha256}. {@code lineage} names the publisher whose numbering {@code version}
 * belongs to: a learner restarted from a checkpoint publishes a new lineage, whose versions restart below those its
 * predecessor published after that checkpoint. The receiver acknowledges every chunk to {@code replyTo}
 * ({@link WeightPublisher.ChunkReceived}): the publisher sends a subscriber more only as chunks are acknowledged.
 */
public record WeightChunk(String modelId, String lineage, long version, int index, int count, String sha256,
        int snapshotBytes, int offset, ByteString data, ActorRef<WeightPublisher.Command> replyTo)
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
}
