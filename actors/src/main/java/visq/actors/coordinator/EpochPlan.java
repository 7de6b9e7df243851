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
 *
 * <p>With {@code blockSize} above 1 the prompts are consecutive blocks of that many (a ranking group: crops of one
 * source at several severities) and the shuffle moves whole blocks, so taking a block's worth at a time from a
 * block boundary always gives one block.
 */
public record EpochPlan(List<PromptRef> prompts, long seed, int epoch, int cursor, int blockSize) {

    public EpochPlan {
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("an epoch plan needs at least one prompt");
        }
        if (blockSize < 1 || prompts.size() % blockSize != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " does not divide the "
                    + prompts.size() + " prompts");
        }
    }

    public EpochPlan(List<PromptRef> prompts, long seed, int epoch, int cursor) {
        this(prompts, seed, epoch, cursor, 1);
    }

    public static EpochPlan start(List<PromptRef> prompts, long seed) {
        return new EpochPlan(prompts, seed, 0, 0);
    }

    /** A plan over consecutive blocks of {@code blockSize} prompts, shuffled block by block. */
    public static EpochPlan startInBlocks(List<PromptRef> prompts, int blockSize, long seed) {
        return new EpochPlan(prompts, seed, 0, 0, blockSize);
    }

    /** This plan moved to {@code epoch} and {@code cursor} (a checkpointed position). */
    public EpochPlan at(int epoch, int cursor) {
        return new EpochPlan(prompts, seed, epoch, cursor, blockSize);
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
        return new Taken(List.copyOf(taken), at(nextEpoch, nextCursor));
    }

    private List<PromptRef> orderOf(int epochIndex) {
        List<List<PromptRef>> order = blocks(prompts, blockSize);
        Collections.shuffle(order, new Random(seed * 1_000_003L + epochIndex));
        return flat(order);
    }

    /**
     * {@code prompts} cut into consecutive blocks of {@code size} (which divides their number). Shuffling the blocks
     * of size 1 permutes exactly as shuffling the prompts would with the same random source.
     */
    static List<List<PromptRef>> blocks(List<PromptRef> prompts, int size) {
        List<List<PromptRef>> blocks = new ArrayList<>(prompts.size() / size);
        for (int start = 0; start < prompts.size(); start += size) {
            blocks.add(prompts.subList(start, start + size));
        }
        return blocks;
    }

    /** The prompts of {@code blocks}, in order. */
    static List<PromptRef> flat(List<List<PromptRef>> blocks) {
        List<PromptRef> prompts = new ArrayList<>();
        blocks.forEach(prompts::addAll);
        return prompts;
    }

    /** Prompts taken from a plan, and the plan that follows. */
    public record Taken(List<PromptRef> prompts, EpochPlan next) {}
}
