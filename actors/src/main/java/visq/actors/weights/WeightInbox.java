package visq.actors.weights;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import java.util.function.Function;

/**
 * A child that registers under {@link WeightSubscribers#KEY} and forwards every chunk to its parent.
 * A separate actor, not a message adapter: an actor's adapters share one reference, and the
 * receptionist must not see the same reference both as a service and as a listing subscriber.
 */
public final class WeightInbox {
    private WeightInbox() {}

    public static <T> Behavior<WeightChunk> create(ActorRef<T> parent, Function<WeightChunk, T> wrap) {
        return Behaviors.setup(context -> {
            context.getSystem().receptionist().tell(Receptionist.register(WeightSubscribers.KEY, context.getSelf()));
            return Behaviors.receive(WeightChunk.class)
                    .onMessage(WeightChunk.class, chunk -> {
                        parent.tell(wrap.apply(chunk));
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
