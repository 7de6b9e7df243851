package visq.actors.cluster;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.JSerializer;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import visq.actors.protocol.ClusterMessage;

/**
 * Akka serializer for {@link ClusterMessage}s: Kryo with required registration of the classes in
 * {@link VisqMessages#registry()}. Kryo instances are pooled because they are not thread-safe.
 */
public final class KryoClusterSerializer extends JSerializer {
    /** Unique among the system's serializers; Akka reserves 0..40. */
    public static final int IDENTIFIER = 7_331_001;

    private final Pool<Kryo> kryos;

    public KryoClusterSerializer(ExtendedActorSystem system) {
        ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
        ClusterMessageRegistry registry = VisqMessages.registry();
        this.kryos = new Pool<>(true, false, 16) {
            @Override
            protected Kryo create() {
                return registry.newKryo(resolver);
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
        Kryo kryo = kryos.obtain();
        try (Output output = new Output(4096, -1)) {
            kryo.writeClassAndObject(output, message);
            return output.toBytes();
        } finally {
            kryos.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Kryo kryo = kryos.obtain();
        try (Input input = new Input(bytes)) {
            return kryo.readClassAndObject(input);
        } finally {
            kryos.free(kryo);
        }
    }
}
