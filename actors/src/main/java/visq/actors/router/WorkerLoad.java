package visq.actors.router;

import akka.actor.typed.ActorRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import visq.actors.rollout.RolloutWorker;

/**
 * Which worker each sent request went to and how many each worker has not answered yet, for the router's choice of
 * worker (round-robin, idle ones first) and its batch hand-over. Owned by one router; not thread-safe.
 */
final class WorkerLoad {
    /** The worker each sent request went to, by routing id, until it is answered or times out. */
    private final Map<Long, ActorRef<RolloutWorker.Command>> sentTo = new HashMap<>();
    /** Requests sent to each worker and not answered (nor timed out) yet; absent when none. */
    private final Map<ActorRef<RolloutWorker.Command>, Integer> unanswered = new HashMap<>();
    private long choices;

    boolean isIdle(ActorRef<RolloutWorker.Command> worker) {
        return !unanswered.containsKey(worker);
    }

    /** The next of {@code candidates} round-robin, among the idle ones when any is idle. */
    ActorRef<RolloutWorker.Command> next(List<ActorRef<RolloutWorker.Command>> candidates) {
        List<ActorRef<RolloutWorker.Command>> idle = candidates.stream().filter(this::isIdle).toList();
        List<ActorRef<RolloutWorker.Command>> from = idle.isEmpty() ? candidates : idle;
        return from.get((int) (choices++ % from.size()));
    }

    /** The requests of {@code routingIds} went to {@code worker}. */
    void sent(ActorRef<RolloutWorker.Command> worker, List<Long> routingIds) {
        for (long routingId : routingIds) {
            sentTo.put(routingId, worker);
        }
        unanswered.merge(worker, routingIds.size(), Integer::sum);
    }

    /**
     * The request of {@code routingId} needs its worker no more (answered, or timed out): that worker when this was
     * its last unanswered request, else empty.
     */
    Optional<ActorRef<RolloutWorker.Command>> done(long routingId) {
        ActorRef<RolloutWorker.Command> worker = sentTo.remove(routingId);
        if (worker == null || unanswered.computeIfPresent(worker, (w, count) -> count > 1 ? count - 1 : null) != null) {
            return Optional.empty();
        }
        return Optional.of(worker);
    }

    /** Only {@code present} workers are waited for (one that left answers nothing more). */
    void retainWorkers(Set<ActorRef<RolloutWorker.Command>> present) {
        unanswered.keySet().retainAll(present);
    }
}
