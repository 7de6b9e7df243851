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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import visq.actors.protocol.ClusterMessage;
import visq.gpu.model.EncodedWeights;

/**
 * Holds the newest weight version and delivers it, in bounded chunks, to every subscriber the
 * receptionist lists: on each new version to all, and the newest one to each newcomer (so a node
 * that joined late or missed versions jumps straight to the latest). It never waits for a subscriber: each
 * delivery advances as its subscriber acknowledges chunks, with at most {@code visq.weights.max-in-flight} bytes
 * unacknowledged per subscriber, so a push of any size neither floods the transport's send queue (which drops what
 * overflows) nor piles up in a slow subscriber's mailbox. Chunks are views of the one snapshot held, not copies,
 * each with its CRC-32C (computed once per version, for every subscriber). A version is published only when its
 * SHA-256 matches its bytes: receivers check each chunk's CRC-32C, not the whole snapshot's SHA-256 again.
 * Each publisher is a lineage of its own (a random id on every chunk): subscribers take the versions of a
 * restarted learner's new publisher even when they are lower than those its predecessor sent.
 */
public final class WeightPublisher extends AbstractBehavior<WeightPublisher.Command> {

    /** Messages the publisher handles. */
    public sealed interface Command extends ClusterMessage {}

    /** Make {@code weights} the newest version and deliver it. */
    public record Publish(EncodedWeights weights) implements Command {}

    /** {@code subscriber} has taken chunk {@code index} of {@code version} of {@code lineage}. */
    public record ChunkReceived(ActorRef<WeightChunk> subscriber, String lineage, long version, int index)
            implements Command {}

    private record SubscribersListed(Receptionist.Listing listing) implements Command {}

    /**
     * Typed settings under {@code visq.weights}.
     *
     * @param chunkBytes the largest chunk
     * @param maxInFlightBytes bytes sent to one subscriber and not yet acknowledged (at least one chunk)
     */
    public record Settings(int chunkBytes, long maxInFlightBytes) {
        /** What a chunk message adds to its data on the wire (lineage, version, index, CRC, Kryo framing). */
        static final int CHUNK_OVERHEAD_BYTES = 4096;
        /** The path of a rollout worker's weight inbox, as Artery's large-message patterns are matched against. */
        static final String INBOX_PATH = "/user/rollout-worker-0/" + WeightReceiver.INBOX_NAME;

        /**
         * The settings, after checking that a chunk fits the Artery frame that carries it: the large-message frame
         * when {@code akka.remote.artery.large-message-destinations} names the weight inboxes, the ordinary frame
         * otherwise (Artery drops a larger message, and a push would never complete).
         */
        public static Settings fromConfig(Config config) {
            Config c = config.getConfig("visq.weights");
            int chunk = (int) c.getBytes("chunk-size").longValue();
            if (chunk < 1024) {
                throw new IllegalArgumentException("visq.weights.chunk-size must be at least 1 KiB, got " + chunk);
            }
            String artery = "akka.remote.artery.";
            if (config.hasPath(artery + "advanced.maximum-frame-size")) {
                boolean large = config.hasPath(artery + "large-message-destinations")
                        && config.getStringList(artery + "large-message-destinations").stream()
                                .anyMatch(pattern -> matches(pattern, INBOX_PATH));
                String frameKey = artery + "advanced." + (large ? "maximum-large-frame-size" : "maximum-frame-size");
                long frame = config.getBytes(frameKey);
                if (chunk + CHUNK_OVERHEAD_BYTES > frame) {
                    throw new IllegalArgumentException("visq.weights.chunk-size " + chunk + " bytes (plus "
                            + CHUNK_OVERHEAD_BYTES + " of message) does not fit " + frameKey + " = " + frame
                            + (large ? "" : "; either lower the chunk size or name the weight inboxes in "
                                    + artery + "large-message-destinations (\"/user/*/weight-inbox\") and size "
                                    + artery + "advanced.maximum-large-frame-size"));
                }
            }
            return new Settings(chunk, c.getBytes("max-in-flight"));
        }

        /**
         * Artery's destination patterns: path elements compared in order; {@code *} matches any one element, an
         * element ending in {@code *} any element with that prefix, and a last {@code **} everything below.
         */
        static boolean matches(String pattern, String path) {
            String[] wanted = pattern.split("/");
            String[] actual = path.split("/");
            for (int i = 0; i < wanted.length; i++) {
                if (wanted[i].equals("**") && i == wanted.length - 1) {
                    return actual.length > i;
                }
                if (i >= actual.length) {
                    return false;
                }
                boolean prefix = wanted[i].endsWith("*")
                        && actual[i].startsWith(wanted[i].substring(0, wanted[i].length() - 1));
                if (!prefix && !wanted[i].equals(actual[i])) {
                    return false;
                }
            }
            return wanted.length == actual.length;
        }

        /** Chunks sent to one subscriber ahead of its acknowledgements. */
        int window() {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxInFlightBytes / chunkBytes));
        }
    }

    /** A version being delivered and the CRC-32C of each of its chunks. */
    private record Snapshot(EncodedWeights weights, int[] chunkCrcs) {
        static Snapshot of(EncodedWeights weights, int chunkBytes) {
            int[] crcs = new int[chunkCount(weights, chunkBytes)];
            for (int i = 0; i < crcs.length; i++) {
                crcs[i] = WeightChunk.crc32c(chunkData(weights, chunkBytes, i));
            }
            return new Snapshot(weights, crcs);
        }
    }

    /** How far the newest version has gone to one subscriber. */
    private static final class Delivery {
        int sent;
        int unacknowledged;
    }

    private final Settings settings;
    private final String lineage = UUID.randomUUID().toString();
    private Set<ActorRef<WeightChunk>> subscribers = Set.of();
    private Optional<Snapshot> newest = Optional.empty();
    private final Map<ActorRef<WeightChunk>, Delivery> deliveries = new HashMap<>();

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
                .onMessage(ChunkReceived.class, this::onChunkReceived)
                .onMessage(SubscribersListed.class, this::onSubscribersListed)
                .build();
    }

    private Behavior<Command> onPublish(Publish publish) {
        EncodedWeights weights = publish.weights();
        if (!weights.digestMatches()) {
            getContext().getLog().error("not publishing weight version {} of {}: its bytes do not match its SHA-256 {}",
                    weights.version(), weights.modelId(), weights.sha256());
            return this;
        }
        newest = Optional.of(Snapshot.of(weights, settings.chunkBytes()));
        subscribers.forEach(this::deliverNewest);
        getContext().getLog().debug("published weight version {} ({} bytes) to {} subscribers",
                publish.weights().version(), publish.weights().size(), subscribers.size());
        return this;
    }

    private Behavior<Command> onChunkReceived(ChunkReceived received) {
        Delivery delivery = deliveries.get(received.subscriber());
        if (delivery != null && newest.isPresent() && received.lineage().equals(lineage)
                && received.version() == newest.get().weights().version()) {
            delivery.unacknowledged = Math.max(0, delivery.unacknowledged - 1);
            sendWindow(received.subscriber(), delivery);
        }
        return this;
    }

    private Behavior<Command> onSubscribersListed(SubscribersListed listed) {
        Set<ActorRef<WeightChunk>> current = listed.listing().getServiceInstances(WeightSubscribers.KEY);
        deliveries.keySet().retainAll(current);
        for (ActorRef<WeightChunk> subscriber : current) {
            if (!subscribers.contains(subscriber)) {
                deliverNewest(subscriber);
            }
        }
        subscribers = Set.copyOf(current);
        return this;
    }

    /** Starts the newest version over to {@code subscriber}; acknowledgements of an older one no longer count. */
    private void deliverNewest(ActorRef<WeightChunk> subscriber) {
        if (newest.isPresent()) {
            Delivery delivery = new Delivery();
            deliveries.put(subscriber, delivery);
            sendWindow(subscriber, delivery);
        }
    }

    /** Sends {@code subscriber} chunks until its window is full or the version is all sent. */
    private void sendWindow(ActorRef<WeightChunk> subscriber, Delivery delivery) {
        Snapshot snapshot = newest.orElseThrow();
        int count = snapshot.chunkCrcs().length;
        while (delivery.sent < count && delivery.unacknowledged < settings.window()) {
            subscriber.tell(chunk(snapshot.weights(), lineage, settings.chunkBytes(), delivery.sent,
                    snapshot.chunkCrcs()[delivery.sent], getContext().getSelf()));
            delivery.sent++;
            delivery.unacknowledged++;
        }
        if (delivery.sent == count && delivery.unacknowledged == 0) {
            deliveries.remove(subscriber);
        }
    }

    private static int chunkCount(EncodedWeights weights, int chunkBytes) {
        return Math.max(1, (weights.size() + chunkBytes - 1) / chunkBytes);
    }

    /** The bytes of chunk {@code index} of {@code weights} cut in chunks of {@code chunkBytes}: a view. */
    private static ByteString chunkData(EncodedWeights weights, int chunkBytes, int index) {
        int from = index * chunkBytes;
        return weights.content().substring(from, Math.min(weights.size(), from + chunkBytes));
    }

    /** Chunk {@code index} of {@code weights} cut in chunks of {@code chunkBytes}, whose CRC-32C is {@code crc32c}. */
    private static WeightChunk chunk(EncodedWeights weights, String lineage, int chunkBytes, int index, int crc32c,
            ActorRef<Command> replyTo) {
        return new WeightChunk(weights.modelId(), lineage, weights.version(), index,
                chunkCount(weights, chunkBytes), weights.sha256(), weights.size(), index * chunkBytes, crc32c,
                chunkData(weights, chunkBytes, index), replyTo);
    }

    /**
     * Splits encoded weights into chunks of at most {@code chunkBytes} bytes, labelled with {@code lineage}, to be
     * acknowledged to {@code replyTo}.
     */
    public static List<WeightChunk> split(EncodedWeights weights, String lineage, int chunkBytes,
            ActorRef<Command> replyTo) {
        int count = chunkCount(weights, chunkBytes);
        List<WeightChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            chunks.add(chunk(weights, lineage, chunkBytes, i, WeightChunk.crc32c(chunkData(weights, chunkBytes, i)),
                    replyTo));
        }
        return List.copyOf(chunks);
    }
}
