package visq.actors.weights;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import visq.actors.protocol.ClusterMessage;
import visq.gpu.model.EncodedWeights;

/**
 * Holds the newest weight version and delivers it, in bounded chunks, to every subscriber the
 * receptionist lists: on each new version to all, and the newest one to each newcomer (so a node
 * that joined late or missed versions jumps straight to the latest). It never waits for a subscriber.
 * Each publisher is a lineage of its own (a random id on every chunk): subscribers take the versions of a
 * restarted learner's new publisher even when they are lower than those its predecessor sent.
 */
public final class WeightPublisher extends AbstractBehavior<WeightPublisher.Command> {

    /** Messages the publisher handles. */
    public sealed interface Command extends ClusterMessage {}

    /** Make {@code weights} the newest version and deliver it. */
    public record Publish(EncodedWeights weights) implements Command {}

    private record SubscribersListed(Receptionist.Listing listing) implements Command {}

    /** Typed settings under {@code visq.weights}. */
    public record Settings(int chunkBytes) {
        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.weights");
            int chunk = (int) c.getBytes("chunk-size").longValue();
            if (chunk < 1024) {
                throw new IllegalArgumentException("visq.weights.chunk-size must be at least 1 KiB, got " + chunk);
            }
            return new Settings(chunk);
        }
    }

    private final Settings settings;
    private final String lineage = UUID.randomUUID().toString();
    private Set<ActorRef<WeightChunk>> subscribers = new HashSet<>();
    private Optional<List<WeightChunk>> newest = Optional.empty();

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(context -> new WeightPublisher(context, settings));
    }

    private WeightPublisher(ActorContext<Command> context, Settings settings) {
        super(context);
        this.settings = settings;
        ActorRef<Receptionist.Listing> adapter =
                context.messageAdapter(Receptionist.Listing.class, SubscribersListed::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(WeightSubscribers.KEY, adapter));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Publish.class, this::onPublish)
                .onMessage(SubscribersListed.class, this::onSubscribersListed)
                .build();
    }

    private Behavior<Command> onPublish(Publish publish) {
        List<WeightChunk> chunks = split(publish.weights(), lineage, settings.chunkBytes());
        newest = Optional.of(chunks);
        subscribers.forEach(this::deliverNewest);
        getContext().getLog().debug("published weight version {} in {} chunks to {} subscribers",
                publish.weights().version(), chunks.size(), subscribers.size());
        return this;
    }

    private Behavior<Command> onSubscribersListed(SubscribersListed listed) {
        Set<ActorRef<WeightChunk>> current = listed.listing().getServiceInstances(WeightSubscribers.KEY);
        for (ActorRef<WeightChunk> subscriber : current) {
            if (!subscribers.contains(subscriber)) {
                deliverNewest(subscriber);
            }
        }
        subscribers = new HashSet<>(current);
        return this;
    }

    private void deliverNewest(ActorRef<WeightChunk> subscriber) {
        newest.ifPresent(chunks -> chunks.forEach(subscriber::tell));
    }

    /** Splits encoded weights into chunks of at most {@code chunkBytes} bytes, labelled with {@code lineage}. */
    public static List<WeightChunk> split(EncodedWeights weights, String lineage, int chunkBytes) {
        byte[] bytes = weights.bytes();
        int count = Math.max(1, (bytes.length + chunkBytes - 1) / chunkBytes);
        List<WeightChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int length = Math.min(chunkBytes, bytes.length - from);
            chunks.add(new WeightChunk(weights.modelId(), lineage, weights.version(), i, count, weights.sha256(),
                    ByteString.copyFrom(bytes, from, Math.max(0, length))));
        }
        return List.copyOf(chunks);
    }
}
