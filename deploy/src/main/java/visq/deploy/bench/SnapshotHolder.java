package visq.deploy.bench;

import ai.djl.ndarray.NDArray;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import visq.actors.weights.WeightChunk;
import visq.actors.weights.WeightReceiver;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.WeightSnapshotCodec;

/**
 * The rollout side of the weight-push bench: receives pushes through the same {@link WeightReceiver} a rollout
 * worker uses and imports each snapshot with the real codec into the tensors of a synthetic layout, then reports
 * the imported snapshot with where its time went.
 */
final class SnapshotHolder extends AbstractBehavior<SnapshotHolder.Command> {

    /** Messages the holder handles. */
    sealed interface Command {}

    private record ReceiveWeightChunk(WeightChunk chunk) implements Command {}

    /** The tensors weights are imported into and the codec of their layout. */
    record HeldTensors(WeightSnapshotCodec codec, List<NDArray> tensors) {}

    /**
     * A push imported: {@code weights}, the time from its first chunk to its last, the time the holder spent taking
     * its chunks in (copies into the snapshot, hashing, acknowledgements; the import excluded) and the time of the
     * import (the codec's checks and the copy into the tensors).
     */
    record Imported(EncodedWeights weights, long transferNanos, long assemblingNanos, long importNanos) {}

    private final WeightReceiver receiver;
    private long version = -1;
    private long firstChunkNanos;
    private long lastChunkNanos;
    private long assemblingNanos;

    static Behavior<Command> create(Supplier<HeldTensors> held, Consumer<Imported> imported) {
        return Behaviors.setup(context -> new SnapshotHolder(context, held, imported));
    }

    private SnapshotHolder(ActorContext<Command> context, Supplier<HeldTensors> held, Consumer<Imported> imported) {
        super(context);
        this.receiver = WeightReceiver.spawn("bench holder", context, ReceiveWeightChunk::new, 0, weights -> {
            long started = System.nanoTime();
            HeldTensors tensors = held.get();
            tensors.codec().decodeInto(weights, tensors.tensors());
            // the earlier chunks' time, and the last one's until its import began
            long assembling = assemblingNanos + (started - lastChunkNanos);
            imported.accept(new Imported(weights, lastChunkNanos - firstChunkNanos, assembling,
                    System.nanoTime() - started));
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(ReceiveWeightChunk.class, this::onWeightChunk).build();
    }

    private Behavior<Command> onWeightChunk(ReceiveWeightChunk received) {
        lastChunkNanos = System.nanoTime();
        if (received.chunk().version() != version) {
            version = received.chunk().version();
            firstChunkNanos = lastChunkNanos;
            assemblingNanos = 0;
        }
        receiver.receive(received.chunk());
        assemblingNanos += System.nanoTime() - lastChunkNanos;
        return this;
    }
}
