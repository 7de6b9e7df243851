package visq.actors.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import visq.gpu.tasks.QualityTask;

/**
 * The order in which one training phase's steps take their tasks, repeated turn after turn: step s (counted from 1)
 * trains {@code order[(s - 1) mod n]}. Built from the run's tasks and each task's share of a turn
 * ({@link #of}). Immutable.
 */
public record TaskTurn(List<QualityTask> order) {

    public TaskTurn {
        order = List.copyOf(order);
        if (order.isEmpty()) {
            throw new IllegalArgumentException("a turn needs at least one task");
        }
    }

    /**
     * The turn of {@code tasks} where each takes {@code shares.get(task)} steps (1 when absent), spread out: each
     * position goes to the task with the most steps left in the turn, other than the task of the position before
     * unless no other is left, the first in the order of {@code tasks} on a tie. So shares {degradation: 2} over
     * [degradation, score, score-number] give [degradation, score, degradation, score-number]; no shares give
     * {@code tasks} itself. Shares of tasks not in {@code tasks} take no steps.
     */
    public static TaskTurn of(List<QualityTask> tasks, Map<QualityTask, Integer> shares) {
        int[] left = new int[tasks.size()];
        int length = 0;
        for (int t = 0; t < tasks.size(); t++) {
            left[t] = shares.getOrDefault(tasks.get(t), 1);
            if (left[t] < 1) {
                throw new IllegalArgumentException("task " + tasks.get(t).id() + " has share " + left[t]
                        + " of a turn; a share is at least 1 (leave a task out of visq.training.tasks to skip it)");
            }
            length += left[t];
        }
        List<QualityTask> order = new ArrayList<>(length);
        int previous = -1;
        for (int position = 0; position < length; position++) {
            int chosen = mostLeft(left, previous);
            if (chosen < 0) {
                chosen = previous; // only the previous task has steps left
            }
            left[chosen]--;
            order.add(tasks.get(chosen));
            previous = chosen;
        }
        return new TaskTurn(order);
    }

    /** The index with the most steps left other than {@code excluded}, the first on a tie; -1 when none has any. */
    private static int mostLeft(int[] left, int excluded) {
        int best = -1;
        for (int t = 0; t < left.length; t++) {
            if (t != excluded && left[t] > 0 && (best < 0 || left[t] > left[best])) {
                best = t;
            }
        }
        return best;
    }

    /** The task of step {@code step}, counted from 1. */
    public QualityTask taskOf(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps count from 1, got " + step);
        }
        return order.get((int) ((step - 1) % order.size()));
    }
}
