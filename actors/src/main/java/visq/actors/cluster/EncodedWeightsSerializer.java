package visq.actors.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.google.protobuf.ByteString;
import visq.gpu.model.EncodedWeights;

/** Encoded weights as model id, version, SHA-256 and bytes; the digest is checked again where they are loaded. */
final class EncodedWeightsSerializer extends Serializer<EncodedWeights> {
    private final ByteStringSerializer bytes = new ByteStringSerializer();

    EncodedWeightsSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, EncodedWeights weights) {
        output.writeString(weights.modelId());
        output.writeVarLong(weights.version(), true);
        output.writeString(weights.sha256());
        bytes.write(kryo, output, weights.content());
    }

    @Override
    public EncodedWeights read(Kryo kryo, Input input, Class<? extends EncodedWeights> type) {
        String modelId = input.readString();
        long version = input.readVarLong(true);
        String sha256 = input.readString();
        return new EncodedWeights(modelId, version, bytes.read(kryo, input, ByteString.class), sha256);
    }
}
