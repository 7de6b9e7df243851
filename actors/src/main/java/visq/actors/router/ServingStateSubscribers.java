package visq.actors.router;

import akka.actor.typed.ActorRef;
import java.util.HashSet;
import java.util.Set;

/**
 * Who follows a router's serving state, and what they were told last: a state goes out when its workers or newest
 * version changed since (in-flight counts alone do not). Owned by one router; not thread-safe.
 */
final class ServingStateSubscribers {
    private final Set<ActorRef<InferenceRouter.ServingState>> subscribers = new HashSet<>();
    private long announcedWorkers = -1;
    private long announcedNewest = Long.MIN_VALUE;

    /** Adds {@code subscriber} and tells it {@code now}. */
    void add(ActorRef<InferenceRouter.ServingState> subscriber, InferenceRouter.ServingState now) {
        subscribers.add(subscriber);
        subscriber.tell(now);
    }

    void remove(ActorRef<?> subscriber) {
        subscribers.remove(subscriber);
    }

    /** Tells every subscriber {@code now} when its workers or newest version differ from the last state told. */
    void announceIfChanged(InferenceRouter.ServingState now) {
        if (now.workers() != announcedWorkers || now.newestVersion() != announcedNewest) {
            announcedWorkers = now.workers();
            announcedNewest = now.newestVersion();
            subscribers.forEach(subscriber -> subscriber.tell(now));
        }
    }
}
