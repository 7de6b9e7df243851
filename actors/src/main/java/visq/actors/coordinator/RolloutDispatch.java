package visq.actors.coordinator;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.RolloutWorker;

/**
 * The GRPO rollouts in flight: the steps whose rollouts are being generated (the next step and up to max-staleness
 * steps ahead of it), each split in parts over the rollout workers the receptionist lists, in turn. A part whose
 * worker failed or timed out goes to another worker; one whose worker left the listing goes at once. Rollouts
 * dispatched before the coordinator last dropped them all (the learner restarted) belong to an older generation, and
 * their answers are ignored. The coordinator sends each part ({@link Sender}) and is told why, when the run cannot go
 * on. Owned by one coordinator; not thread-safe.
 */
final class RolloutDispatch {
    /** Sends attempt {@code attempt} of a part to {@code worker}; the answer is to carry {@code generation}. */
    interface Sender {
        void send(long generation, StepRollouts rollouts, long partId, int attempt,
                ActorRef<RolloutWorker.Command> worker);
    }

    private final TreeMap<Long, StepRollouts> steps = new TreeMap<>();
    private final int maxAttempts;
    private final Sender sender;
    private final Consumer<String> fail;
    private final Logger log;
    private List<ActorRef<RolloutWorker.Command>> workers = List.of();
    private long dispatchCounter;
    private long generation;

    /**
     * @param maxAttempts dispatches of one part before the run fails
     * @param fail        told why the run cannot go on
     */
    RolloutDispatch(int maxAttempts, Sender sender, Consumer<String> fail, Logger log) {
        this.maxAttempts = maxAttempts;
        this.sender = sender;
        this.fail = fail;
        this.log = log;
    }

    /** The workers the receptionist lists now (kept in path order); returns how many. */
    int listed(Collection<ActorRef<RolloutWorker.Command>> listed) {
        List<ActorRef<RolloutWorker.Command>> current = new ArrayList<>(listed);
        current.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
        workers = List.copyOf(current);
        return workers.size();
    }

    boolean isGenerating(long step) {
        return steps.containsKey(step);
    }

    /** Starts generating a step's rollouts: its prompts split over the workers. */
    void start(StepRollouts rollouts) {
        steps.put(rollouts.step(), rollouts);
        dispatchShares(rollouts, rollouts.prompts());
    }

    /** The rollouts of {@code step}; null when they are not being generated. */
    StepRollouts get(long step) {
        return steps.get(step);
    }

    /** The step's rollouts are all in and go to training: no longer in flight. */
    void remove(long step) {
        steps.remove(step);
    }

    /** Splits {@code prompts} over the workers, one part each, and dispatches the parts. */
    void dispatchShares(StepRollouts rollouts, List<PromptRef> prompts) {
        int parts = Math.max(1, Math.min(workers.size(), prompts.size()));
        for (int part = 0; part < parts; part++) {
            List<PromptRef> share = new ArrayList<>();
            for (int i = part; i < prompts.size(); i += parts) {
                share.add(prompts.get(i));
            }
            dispatch(rollouts, rollouts.addPart(share), null);
        }
    }

    /**
     * Sends every outstanding part whose worker is no longer listed (its node left, was downed or is unreachable)
     * to a listed worker now, instead of waiting for the rollout timeout. With no worker listed the parts wait for
     * the next one to register.
     */
    void redispatchPartsOfLostWorkers() {
        for (StepRollouts rollouts : steps.values()) {
            for (long partId : rollouts.partsOutside(workers)) {
                ActorRef<RolloutWorker.Command> holder = rollouts.holderOf(partId);
                String from = holder == null ? "it waited for a worker" : "worker " + holder.path() + " left";
                if (!workers.isEmpty()) {
                    log.warn("re-dispatching rollout part {} of step {}: {}", partId, rollouts.step(), from);
                    dispatch(rollouts, partId, null);
                } else if (holder != null) {
                    log.warn("rollout part {} of step {} waits for a worker: {}", partId, rollouts.step(), from);
                    rollouts.release(partId);
                }
            }
        }
    }

    /**
     * The rollouts an answer of {@code partId} (sent in {@code generation}) is for; empty for a late answer of a
     * part that was already re-dispatched and completed, or dropped.
     */
    Optional<StepRollouts> awaiting(long generation, long step, long partId) {
        StepRollouts rollouts = steps.get(step);
        return generation != this.generation || rollouts == null || !rollouts.isOutstanding(partId)
                ? Optional.empty() : Optional.of(rollouts);
    }

    /** Attempt {@code attempt} of {@code partId} failed: it goes to another worker, unless it was re-dispatched. */
    void failed(StepRollouts rollouts, long partId, int attempt, String reason) {
        if (!rollouts.isCurrentAttempt(partId, attempt)) {
            log.debug("rollout part {}: attempt {} failed after it was re-dispatched", partId, attempt);
        } else {
            log.warn("re-dispatching rollout part {}: {}", partId, reason);
            dispatch(rollouts, partId, rollouts.holderOf(partId)); // to another worker
        }
    }

    /** Drops every rollout in flight: the answers of all dispatched so far will be ignored. */
    void dropAll() {
        generation++;
        steps.clear();
    }

    /** Sends {@code partId} to the next worker in turn, or the one after it when that is {@code avoid}. */
    private void dispatch(StepRollouts rollouts, long partId, ActorRef<RolloutWorker.Command> avoid) {
        if (workers.isEmpty()) {
            fail.accept("no rollout worker is left to generate step " + rollouts.step());
            return;
        }
        int attempt = rollouts.countAttempt(partId);
        if (attempt > maxAttempts) {
            fail.accept("rollout part " + partId + " failed " + maxAttempts + " times");
            return;
        }
        ActorRef<RolloutWorker.Command> next = workers.get((int) (dispatchCounter++ % workers.size()));
        ActorRef<RolloutWorker.Command> worker = next.equals(avoid) && workers.size() > 1
                ? workers.get((int) (dispatchCounter++ % workers.size())) : next;
        rollouts.heldBy(partId, worker, attempt);
        sender.send(generation, rollouts, partId, attempt, worker);
    }
}
