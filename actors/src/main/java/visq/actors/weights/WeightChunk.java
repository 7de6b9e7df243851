package visq.actors.weights;

import com.google.protobuf.ByteString;
import visq.actors.protocol.ClusterMessage;

/**
 * One bounded piece of an encoded weight snapshot. A snapshot of {@code count} chunks is complete
 * when every index has arrived and the SHA-256 of their concatenation equals {@code sha256}.
 * {@code lineage} names the publisher whose numbering {@code version} belongs to: a learner restarted
 * from a checkpoint publishes a new lineage, whose versions restart below those its predecessor
 * published after that checkpoint.
 */
public record WeightChunk(String modelId, String lineage, long version, int index, int count, String sha256,
        ByteString data)
        implements ClusterMessage {

    public WeightChunk {
        if (count <= 0 || index < 0 || index >= count) {
            throw new IllegalArgumentException("chunk index " + index + " outside 0.." + (count - 1));
        }
    }
}
