package visq.actors.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Immutable protobuf byte strings (weight chunks) as length + raw bytes, written from the string in place and read
 * into one new array that the string then wraps (no further copies either way).
 */
final class ByteStringSerializer extends Serializer<ByteString> {

    ByteStringSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, ByteString bytes) {
        output.writeVarInt(bytes.size(), true);
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, new KryoByteOutput(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a Kryo Output reports overflow unchecked; it never throws this
        }
    }

    @Override
    public ByteString read(Kryo kryo, Input input, Class<? extends ByteString> type) {
        int size = input.readVarInt(true);
        return UnsafeByteOperations.unsafeWrap(input.readBytes(size));
    }

    /** Hands the string's backing arrays to Kryo's output, which copies them into its buffer. */
    private static final class KryoByteOutput extends ByteOutput {
        private final Output output;

        KryoByteOutput(Output output) {
            this.output = output;
        }

        @Override
        public void write(byte value) {
            output.writeByte(value);
        }

        @Override
        public void write(byte[] value, int offset, int length) {
            output.writeBytes(value, offset, length);
        }

        @Override
        public void writeLazy(byte[] value, int offset, int length) {
            output.writeBytes(value, offset, length);
        }

        @Override
        public void write(ByteBuffer value) {
            byte[] copy = new byte[value.remaining()];
            value.get(copy);
            output.writeBytes(copy);
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            write(value);
        }
    }
}
