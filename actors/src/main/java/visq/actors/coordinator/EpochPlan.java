package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import visq.actors.rollout.PromptRef;

/**
 * The order in which one task's prompts are visited: a seeded shuffle per epoch, walked by a cursor.
 * Immutable; {@link #take} returns the prompts and the plan after them. The same seed, epoch and
 * cursor always give the same prompts, so a run can resume from a checkpointed cursor.
 */
public record EpochPlan(List<PromptRef> prompts, long seed, int epoch, int cursor) {

    public EpochPlan {
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("an epoch plan needs at least one prompt");
        }
    }

    public static EpochPlan start(List<PromptRef> prompts, long seed) {
        return new EpochPlan(prompts, seed, 0, 0);
    }

    /** The next {@code count} prompts (crossing into the next epoch when this one runs out). */
    public Taken take(int count) {
        List<PromptRef> taken = new ArrayList<>(count);
        int nextEpoch = epoch;
        int nextCursor = cursor;
        List<PromptRef> order = orderOf(nextEpoch);
        while (taken.size() < count) {
            if (nextCursor == order.size()) {
                nextEpoch++;
                nextCursor = 0;
                order = orderOf(nextEpoch);
            }
            taken.add(order.get(nextCursor++));
        }
        if (nextCursor == order.size()) {
            nextEpoch++;
            nextCursor = 0;
        }
        return new Taken(List.copyOf(taken), new EpochPlan(prompts, seed, nextEpoch, nextCursor));
    }

    private List<PromptRef> orderOf(int epochIndex) {
        List<PromptRef> order = new ArrayList<>(prompts);
        Collections.shuffle(order, new Random(seed * 1_000_003L + epochIndex));
        return order;
    }

    /** Prompts taken from a plan, and the plan that follows. */
    public record Taken(List<PromptRef> prompts, EpochPlan next) {}
}
