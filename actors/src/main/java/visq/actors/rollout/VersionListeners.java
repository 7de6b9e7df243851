package visq.actors.rollout;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;

/**
 * Whom a rollout worker tells the weight version it holds: every actor registered under {@code key}, with the
 * message {@code announcement} builds. The router supplies both (its service key and its own message), so the
 * worker, which the router sends prompts to, does not depend on the router.
 */
public record VersionListeners<T>(ServiceKey<T> key, Announcement<T> announcement) {

    /** The message that says {@code worker} (named {@code workerId}) now holds {@code version}. */
    @FunctionalInterface
    public interface Announcement<T> {
        T of(ActorRef<RolloutWorker.Command> worker, String workerId, long version);
    }

    /** Tells every listener in {@code listing} (of {@link #key}) that {@code worker} now holds {@code version}. */
    void announce(Receptionist.Listing listing, ActorRef<RolloutWorker.Command> worker, String workerId,
            long version) {
        T changed = announcement.of(worker, workerId, version);
        listing.getServiceInstances(key).forEach(listener -> listener.tell(changed));
    }
}
