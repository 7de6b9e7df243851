package visq.actors.cluster;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.NotSerializableException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import visq.actors.weights.WeightChunk;
import visq.actors.weights.WeightPublisher;

/**
 * Akka serializer for {@link WeightChunk}s, the bulk of a weight push: a small header (the chunk's labels, its offset
 * and CRC-32C, the publisher's reference) and then the payload, written by Artery's {@link ByteBufferSerializer} side
 * straight from the snapshot into Artery's frame buffer (one copy; Kryo wrote it into its own growing buffer first).
 *
 * <p>On receive the payload is not copied when the frame is an array of its own: Artery's TCP transport hands each
 * inbound frame to the serializer in a new array that it never reuses (only direct buffers go back to its pool), and
 * the chunk then is a view of that array until the receiver copies it into its snapshot and checks its CRC-32C there
 * ({@code WeightAssembly}). A direct (pooled) buffer is copied. The payload's integrity is the CRC-32C's job; this
 * serializer refuses frames whose structure is wrong (another format, a payload length that does not match the
 * frame, a chunk outside its snapshot) with an error that says what is wrong.
 */
public final class WeightChunkSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
    /** Unique among the system's serializers; Akka reserves 0..40. */
    public static final int IDENTIFIER = 7_331_002;
    /** The manifest of a weight chunk in this format. */
    static final String CHUNK_MANIFEST = "C";
    /** The first byte of every serialized chunk: the format it is in. */
    private static final byte FORMAT = 1;

    private final ActorRefResolver resolver;

    public WeightChunkSerializer(ExtendedActorSystem system) {
        this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object message) {
        chunkOf(message);
        return CHUNK_MANIFEST;
    }

    @Override
    public byte[] toBinary(Object message) {
        WeightChunk chunk = chunkOf(message);
        byte[] replyTo = replyTo(chunk);
        ByteBuffer buffer = ByteBuffer.allocate(size(chunk, replyTo));
        write(chunk, replyTo, buffer);
        return buffer.array();
    }

    @Override
    public void toBinary(Object message, ByteBuffer buffer) {
        WeightChunk chunk = chunkOf(message);
        write(chunk, replyTo(chunk), buffer);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return fromBinary(ByteBuffer.wrap(bytes), manifest);
    }

    @Override
    public Object fromBinary(ByteBuffer buffer, String manifest) throws NotSerializableException {
        if (!CHUNK_MANIFEST.equals(manifest)) {
            throw new NotSerializableException("weight chunk serializer: unknown manifest '" + manifest + "'");
        }
        // the header in big-endian order whatever the order of Artery's buffer; the buffer's position moves past it
        ByteBuffer in = buffer.slice().order(ByteOrder.BIG_ENDIAN);
        try {
            byte format = in.get();
            if (format != FORMAT) {
                throw new NotSerializableException("weight chunk in format " + format + ", this node reads format "
                        + FORMAT);
            }
            String modelId = string(in);
            String lineage = string(in);
            long version = in.getLong();
            int index = in.getInt();
            int count = in.getInt();
            String sha256 = string(in);
            int snapshotBytes = in.getInt();
            int offset = in.getInt();
            int crc32c = in.getInt();
            ActorRef<WeightPublisher.Command> replyTo = resolver.resolveActorRef(string(in));
            int length = in.getInt();
            if (length != in.remaining()) {
                throw new NotSerializableException("weight chunk " + index + " of version " + version + " announces "
                        + length + " bytes of data, its frame holds " + in.remaining());
            }
            ByteString data = payload(in, length);
            buffer.position(buffer.position() + in.position());
            return new WeightChunk(modelId, lineage, version, index, count, sha256, snapshotBytes, offset, crc32c,
                    data, replyTo);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            NotSerializableException refused = new NotSerializableException("malformed weight chunk ("
                    + buffer.remaining() + " bytes): " + (e.getMessage() == null ? "its header is truncated"
                            : e.getMessage()));
            refused.initCause(e);
            throw refused;
        }
    }

    /** The payload: a view of the frame's own array, or a copy of a direct (pooled) buffer. */
    private static ByteString payload(ByteBuffer in, int length) {
        if (in.hasArray() && !in.isReadOnly()) {
            ByteString view = UnsafeByteOperations.unsafeWrap(in.array(), in.arrayOffset() + in.position(), length);
            in.position(in.position() + length);
            return view;
        }
        byte[] copy = new byte[length];
        in.get(copy);
        return UnsafeByteOperations.unsafeWrap(copy);
    }

    private static WeightChunk chunkOf(Object message) {
        if (message instanceof WeightChunk chunk) {
            return chunk;
        }
        throw new IllegalArgumentException("the weight chunk serializer cannot serialize "
                + (message == null ? "null" : message.getClass().getName()));
    }

    private byte[] replyTo(WeightChunk chunk) {
        return resolver.toSerializationFormat(chunk.replyTo()).getBytes(StandardCharsets.UTF_8);
    }

    private static int size(WeightChunk chunk, byte[] replyTo) {
        // the format byte, four strings (a length and their bytes), the version, five ints, the payload's length
        return 1 + 4 * Integer.BYTES + utf8(chunk.modelId()).length + utf8(chunk.lineage()).length
                + utf8(chunk.sha256()).length + replyTo.length + Long.BYTES + 5 * Integer.BYTES + Integer.BYTES
                + chunk.data().size();
    }

    /** Writes {@code chunk} at the buffer's position (which moves past it), the payload copied once, in place. */
    private static void write(WeightChunk chunk, byte[] replyTo, ByteBuffer buffer) {
        ByteBuffer out = buffer.slice().order(ByteOrder.BIG_ENDIAN);
        out.put(FORMAT);
        putString(out, utf8(chunk.modelId()));
        putString(out, utf8(chunk.lineage()));
        out.putLong(chunk.version());
        out.putInt(chunk.index());
        out.putInt(chunk.count());
        putString(out, utf8(chunk.sha256()));
        out.putInt(chunk.snapshotBytes());
        out.putInt(chunk.offset());
        out.putInt(chunk.crc32c());
        putString(out, replyTo);
        out.putInt(chunk.data().size());
        chunk.data().copyTo(out);
        buffer.position(buffer.position() + out.position());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putInt(utf8.length);
        out.put(utf8);
    }

    private static String string(ByteBuffer in) throws NotSerializableException {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new NotSerializableException("malformed weight chunk: its header names a string of " + length
                    + " bytes, " + in.remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
