package visq.actors.router;

import akka.actor.typed.ActorRef;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import visq.actors.rollout.RolloutWorker;

/**
 * The router's requests in flight (sent or about to be sent to a worker, not answered yet) by request id; a caller
 * that reuses an id while it is in flight is answered in order. Owned by one router; not thread-safe.
 */
final class InFlightRequests {
    /** A request in flight under its router-wide routing id. */
    record Pending(long routingId, String requestId, ActorRef<RolloutWorker.AnswerOutcome> replyTo) {}

    private final Map<String, Deque<Pending>> byRequestId = new HashMap<>();
    private int count;

    void add(Pending request) {
        byRequestId.computeIfAbsent(request.requestId(), id -> new ArrayDeque<>()).add(request);
        count++;
    }

    /** How many requests are in flight. */
    int count() {
        return count;
    }

    /** The oldest request in flight under {@code requestId}, removed; null when there is none. */
    Pending take(String requestId) {
        Deque<Pending> waiting = byRequestId.get(requestId);
        if (waiting == null) {
            return null;
        }
        Pending request = waiting.poll();
        if (waiting.isEmpty()) {
            byRequestId.remove(requestId);
        }
        count--;
        return request;
    }

    /** The request of {@code routingId}, removed; null when it is not in flight (answered already). */
    Pending takeRouting(long routingId) {
        for (Deque<Pending> waiting : byRequestId.values()) {
            for (Pending request : waiting) {
                if (request.routingId() == routingId) {
                    waiting.remove(request);
                    if (waiting.isEmpty()) {
                        byRequestId.remove(request.requestId());
                    }
                    count--;
                    return request;
                }
            }
        }
        return null;
    }
}
