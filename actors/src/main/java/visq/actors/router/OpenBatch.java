package visq.actors.router;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.List;
import visq.actors.rollout.RolloutWorker;

/** Requests the router collected for a worker at one weight version, not sent yet, with their routing ids. */
final class OpenBatch {
    /** The worker it will go to; the router may hand it to another idle worker of the same version. */
    ActorRef<RolloutWorker.Command> worker;
    final List<RolloutWorker.BatchedPrompt> prompts = new ArrayList<>();
    final List<Long> routingIds = new ArrayList<>();
    /** Its wait is over and it waits for a worker of its version to be idle. */
    boolean held;

    OpenBatch(ActorRef<RolloutWorker.Command> worker) {
        this.worker = worker;
    }
}
