package visq.actors.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.google.protobuf.ByteString;

/** Immutable protobuf byte strings (weight chunks) as length + raw bytes. */
final class ByteStringSerializer extends Serializer<ByteString> {

    ByteStringSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, ByteString bytes) {
        output.writeVarInt(bytes.size(), true);
        output.writeBytes(bytes.toByteArray());
    }

    @Override
    public ByteString read(Kryo kryo, Input input, Class<? extends ByteString> type) {
        int size = input.readVarInt(true);
        return ByteString.copyFrom(input.readBytes(size));
    }
}
