package visq.actors.cluster;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.JSerializer;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import java.nio.ByteBuffer;
import visq.actors.protocol.ClusterMessage;

/**
 * Akka serializer for {@link ClusterMessage}s: Kryo with required registration of the classes in
 * {@link VisqMessages#registry()}. Kryo instances are pooled because they are not thread-safe, each with an output
 * buffer it keeps. Artery uses the {@link ByteBufferSerializer} side: a message is written once into the pooled
 * buffer and copied once into Artery's frame, and read straight from the frame (weight chunks travel with two
 * copies instead of five).
 */
public final class KryoClusterSerializer extends JSerializer implements ByteBufferSerializer {
    /** Unique among the system's serializers; Akka reserves 0..40. */
    public static final int IDENTIFIER = 7_331_001;
    /** A pooled output buffer larger than this after a message is dropped rather than kept. */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;

    /** A Kryo instance and the output buffer it writes into. */
    private record Codec(Kryo kryo, Output output) {}

    private final Pool<Codec> codecs;

    public KryoClusterSerializer(ExtendedActorSystem system) {
        ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
        ClusterMessageRegistry registry = VisqMessages.registry();
        this.codecs = new Pool<>(true, false, 16) {
            @Override
            protected Codec create() {
                return new Codec(registry.newKryo(resolver), new Output(4096, -1));
            }
        };
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object message) {
        Codec codec = codecs.obtain();
        try {
            return write(codec, message).toBytes();
        } finally {
            free(codec);
        }
    }

    @Override
    public void toBinary(Object message, ByteBuffer buffer) {
        Codec codec = codecs.obtain();
        try {
            Output output = write(codec, message);
            buffer.put(output.getBuffer(), 0, output.position());
        } finally {
            free(codec);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        try (Input input = new Input(bytes)) {
            return read(input);
        }
    }

    @Override
    public Object fromBinary(ByteBuffer buffer, String manifest) {
        try (Input input = new ByteBufferInput(buffer)) {
            return read(input);
        }
    }

    private static Output write(Codec codec, Object message) {
        codec.output().reset();
        codec.kryo().writeClassAndObject(codec.output(), message);
        return codec.output();
    }

    private Object read(Input input) {
        Codec codec = codecs.obtain();
        try {
            return codec.kryo().readClassAndObject(input);
        } finally {
            codecs.free(codec);
        }
    }

    private void free(Codec codec) {
        if (codec.output().getBuffer().length > KEPT_BUFFER_BYTES) {
            codec.output().setBuffer(new byte[4096], -1);
        }
        codecs.free(codec);
    }
}
