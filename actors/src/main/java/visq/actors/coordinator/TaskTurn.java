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
     * The turn of {@code tasks} where each takes {@code shares.get(task)} steps (1 when absent): in round r = 0, 1, ...
     * every task whose share exceeds r takes a step, in the order of {@code tasks}. So shares {degradation: 2} over
     * [degradation, score, score-number] give [degradation, score, score-number, degradation]; no shares give
     * {@code tasks} itself. Shares of tasks not in {@code tasks} take no steps.
     */
    public static TaskTurn of(List<QualityTask> tasks, Map<QualityTask, Integer> shares) {
        int rounds = 1;
        for (QualityTask task : tasks) {
            int share = shares.getOrDefault(task, 1);
            if (share < 1) {
                throw new IllegalArgumentException("task " + task.id() + " has share " + share
                        + " of a turn; a share is at least 1 (leave a task out of visq.training.tasks to skip it)");
            }
            rounds = Math.max(rounds, share);
        }
        List<QualityTask> order = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (QualityTask task : tasks) {
                if (shares.getOrDefault(task, 1) > round) {
                    order.add(task);
                }
            }
        }
        return new TaskTurn(order);
    }

    /** The task of step {@code step}, counted from 1. */
    public QualityTask taskOf(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps count from 1, got " + step);
        }
        return order.get((int) ((step - 1) % order.size()));
    }
}
