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
 * the imported snapshot.
 */
final class SnapshotHolder extends AbstractBehavior<SnapshotHolder.Command> {

    /** Messages the holder handles. */
    sealed interface Command {}

    private record ReceiveWeightChunk(WeightChunk chunk) implements Command {}

    /** The tensors weights are imported into and the codec of their layout. */
    record HeldTensors(WeightSnapshotCodec codec, List<NDArray> tensors) {}

    private final WeightReceiver receiver;

    static Behavior<Command> create(Supplier<HeldTensors> held, Consumer<EncodedWeights> imported) {
        return Behaviors.setup(context -> new SnapshotHolder(context, held, imported));
    }

    private SnapshotHolder(ActorContext<Command> context, Supplier<HeldTensors> held,
            Consumer<EncodedWeights> imported) {
        super(context);
        this.receiver = WeightReceiver.spawn("bench holder", context, ReceiveWeightChunk::new, 0, weights -> {
            HeldTensors tensors = held.get();
            tensors.codec().decodeInto(weights, tensors.tensors());
            imported.accept(weights);
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(ReceiveWeightChunk.class, this::onWeightChunk).build();
    }

    private Behavior<Command> onWeightChunk(ReceiveWeightChunk received) {
        receiver.receive(received.chunk());
        return this;
    }
}
