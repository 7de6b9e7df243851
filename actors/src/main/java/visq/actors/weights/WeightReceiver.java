package visq.actors.weights;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import visq.gpu.model.EncodedWeights;

/**
 * The receiving end of weight pushes inside the actor that holds a policy: spawns the {@link WeightInbox} child that
 * subscribes to the publisher, reassembles the chunks its parent is handed ({@link WeightAssembly}), acknowledges
 * each chunk once it is taken (the publisher's flow control: chunks wait in the publisher, not in this actor's
 * mailbox, while the actor is busy) and imports each completed snapshot. Owned by that actor and called on its
 * thread only.
 */
public final class WeightReceiver {
    /** The name of the child that takes a worker's weight chunks. */
    static final String INBOX_NAME = "weight-inbox";

    private final String holder;
    private final ActorContext<?> context;
    private final ActorRef<WeightChunk> inbox;
    private final Consumer<EncodedWeights> importer;
    private WeightAssembly assembly;

    private WeightReceiver(String holder, ActorContext<?> context, ActorRef<WeightChunk> inbox, long heldVersion,
            Consumer<EncodedWeights> importer) {
        this.holder = holder;
        this.context = context;
        this.inbox = inbox;
        this.importer = importer;
        this.assembly = WeightAssembly.holding(heldVersion);
    }

    /**
     * A receiver for the actor of {@code context}, which holds weights of {@code heldVersion} and gets each chunk as
     * {@code wrap(chunk)}; {@code importer} loads a completed snapshot, throwing {@link IllegalArgumentException}
     * to reject it (the held version stays). The snapshot's bytes lie in direct memory that the receiver reuses: the
     * importer may share them (the codec's import makes them the tensors' data) but must let go of them, and of
     * everything sharing them, when it imports the next version (see {@link WeightAssembly}).
     *
     * @param holder names the holder in log lines
     */
    public static <T> WeightReceiver spawn(String holder, ActorContext<T> context, Function<WeightChunk, T> wrap,
            long heldVersion, Consumer<EncodedWeights> importer) {
        ActorRef<WeightChunk> inbox = context.spawn(WeightInbox.create(context.getSelf(), wrap), INBOX_NAME);
        return new WeightReceiver(holder, context, inbox, heldVersion, importer);
    }

    /** Takes one chunk; returns the version it completed and imported, if it did. */
    public Optional<Long> receive(WeightChunk chunk) {
        assembly = assembly.updated(chunk);
        chunk.replyTo().tell(new WeightPublisher.ChunkReceived(inbox, chunk.lineage(), chunk.version(), chunk.index()));
        assembly.abandoned().ifPresent(note -> context.getLog().info("{}: {}", holder, note));
        assembly.corruption().ifPresent(problem -> context.getLog().warn("{}: {}", holder, problem));
        Optional<EncodedWeights> completed = assembly.completed();
        if (completed.isEmpty()) {
            return Optional.empty();
        }
        EncodedWeights weights = completed.get();
        try {
            importer.accept(weights);
        } catch (IllegalArgumentException e) {
            context.getLog().warn("{} rejected weight version {}: {}", holder, weights.version(), e.getMessage());
            return Optional.empty();
        }
        assembly = assembly.holdingCompleted();
        return Optional.of(weights.version());
    }
}
