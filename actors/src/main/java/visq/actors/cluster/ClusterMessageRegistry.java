package visq.actors.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import com.esotericsoftware.kryo.Kryo;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import visq.actors.rollout.TokenIds;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.EncodedWeights;

/**
 * The closed set of classes that may travel between nodes, with stable Kryo ids.
 *
 * <p>Roots are sealed protocol interfaces (all their permitted records are registered) and plain
 * value records. Ids are assigned in class-name order, so every node running the same build agrees.
 * Registration is required: an unlisted class fails to serialize instead of travelling by name.
 */
public final class ClusterMessageRegistry {
    private static final int FIRST_ID = 100;

    private final List<Class<?>> classes;

    private ClusterMessageRegistry(List<Class<?>> classes) {
        this.classes = List.copyOf(classes);
    }

    /** A registry of {@code roots}, expanding sealed interfaces to their permitted subclasses. */
    public static ClusterMessageRegistry of(List<Class<?>> roots) {
        Set<Class<?>> expanded = new LinkedHashSet<>();
        for (Class<?> root : roots) {
            expand(root, expanded);
        }
        List<Class<?>> sorted = new ArrayList<>(expanded);
        sorted.sort(Comparator.comparing(Class::getName));
        return new ClusterMessageRegistry(sorted);
    }

    private static void expand(Class<?> type, Set<Class<?>> into) {
        if (type.isSealed()) {
            Arrays.stream(type.getPermittedSubclasses()).forEach(sub -> expand(sub, into));
        } else if (!type.isInterface()) {
            into.add(type);
        }
    }

    /** Registered message and value classes in id order. */
    public List<Class<?>> classes() {
        return classes;
    }

    /** A Kryo instance configured with this registry; one per thread (Kryo is not thread-safe). */
    Kryo newKryo(ActorRefResolver resolver) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        ImmutableListSerializer lists = new ImmutableListSerializer();
        int id = 10;
        for (Class<?> listType : List.of(List.of().getClass(), List.of(1).getClass(), List.of(1, 2, 3).getClass(),
                ArrayList.class)) {
            kryo.register(listType, lists, id++);
        }
        kryo.register(Optional.class, id++);
        kryo.register(ByteString.copyFrom(new byte[] {1}).getClass(), new ByteStringSerializer(), id++);
        kryo.register(ByteString.EMPTY.getClass(), new ByteStringSerializer(), id++);
        kryo.register(ByteString.copyFrom(new byte[] {1, 2, 3}).substring(1, 2).getClass(), new ByteStringSerializer(),
                id++); // a view of part of another (weight chunks of a held snapshot)
        kryo.register(ImageTensor.class, new ImageTensorSerializer(), id++);
        kryo.register(int[].class, id++);
        kryo.register(float[].class, id++);
        kryo.register(double[].class, id++);
        kryo.register(byte[].class, id++);
        kryo.register(String.class, id++);
        kryo.register(Integer.class, id++);
        kryo.register(Long.class, id++);
        kryo.register(Float.class, id++);
        kryo.register(Double.class, id++);
        kryo.register(Boolean.class, id++);
        ActorRefSerializer refs = new ActorRefSerializer(resolver);
        kryo.addDefaultSerializer(ActorRef.class, refs);
        kryo.register(actorRefImplementation(), refs, id++);
        kryo.register(TokenIds.class, new TokenIdsSerializer(), id++);
        kryo.addDefaultSerializer(EncodedWeights.class, new EncodedWeightsSerializer());
        int messageId = FIRST_ID;
        for (Class<?> type : classes) {
            kryo.register(type, messageId++);
        }
        return kryo;
    }

    private static Class<?> actorRefImplementation() {
        try {
            return Class.forName("akka.actor.typed.internal.adapter.ActorRefAdapter");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Akka typed actor reference class not found", e);
        }
    }
}
