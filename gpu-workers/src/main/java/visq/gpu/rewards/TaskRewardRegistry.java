package visq.gpu.rewards;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import visq.gpu.tasks.QualityTask;

/**
 * The reward function of each task trained with rewards, keyed by task, and where a task rewards ranking blocks
 * differently (samples whose scores only order them, {@link SampleTruth#rankingOnly}), its reward for those.
 */
public final class TaskRewardRegistry {

    private final Map<QualityTask, TaskRewardFunction> byTask;
    private final Map<QualityTask, TaskRewardFunction> rankingBlocksByTask;

    private TaskRewardRegistry(Map<QualityTask, TaskRewardFunction> byTask,
            Map<QualityTask, TaskRewardFunction> rankingBlocksByTask) {
        this.byTask = Collections.unmodifiableMap(byTask);
        this.rankingBlocksByTask = Collections.unmodifiableMap(rankingBlocksByTask);
    }

    /** A registry of {@code functions}; throws {@link IllegalArgumentException} when two reward the same task. */
    public static TaskRewardRegistry of(List<TaskRewardFunction> functions) {
        return of(functions, List.of());
    }

    /**
     * A registry of {@code functions}, with {@code rankingBlockFunctions} rewarding their tasks' ranking blocks;
     * throws {@link IllegalArgumentException} when two of one list reward the same task, or a task has a
     * ranking-block reward but no reward.
     */
    public static TaskRewardRegistry of(List<TaskRewardFunction> functions,
            List<TaskRewardFunction> rankingBlockFunctions) {
        Map<QualityTask, TaskRewardFunction> byTask = byTask(functions, "rewards");
        Map<QualityTask, TaskRewardFunction> rankingBlocks = byTask(rankingBlockFunctions, "ranking-block rewards");
        for (QualityTask task : rankingBlocks.keySet()) {
            if (!byTask.containsKey(task)) {
                throw new IllegalArgumentException("task " + task.id() + " has a ranking-block reward but no reward");
            }
        }
        return new TaskRewardRegistry(byTask, rankingBlocks);
    }

    private static Map<QualityTask, TaskRewardFunction> byTask(List<TaskRewardFunction> functions, String what) {
        Map<QualityTask, TaskRewardFunction> byTask = new EnumMap<>(QualityTask.class);
        for (TaskRewardFunction function : functions) {
            TaskRewardFunction earlier = byTask.put(function.task(), function);
            if (earlier != null) {
                throw new IllegalArgumentException("task " + function.task().id() + " has two " + what + ": "
                        + earlier.getClass().getSimpleName() + " and " + function.getClass().getSimpleName());
            }
        }
        return byTask;
    }

    /** The reward of {@code task}; throws {@link IllegalArgumentException} when the task has none. */
    public TaskRewardFunction forTask(QualityTask task) {
        TaskRewardFunction function = byTask.get(task);
        if (function == null) {
            throw new IllegalArgumentException("task " + task.id() + " has no reward, so it is not trained with rewards"
                    + " (tasks with a reward: " + byTask.keySet().stream().map(QualityTask::id).toList() + ")");
        }
        return function;
    }

    /**
     * The reward of {@code task}'s groups: for groups of a ranking block ({@code rankingOnly}) the task's
     * ranking-block reward when it has one; otherwise, and for every other group, {@link #forTask}.
     */
    public TaskRewardFunction forGroups(QualityTask task, boolean rankingOnly) {
        TaskRewardFunction rankingBlocks = rankingOnly ? rankingBlocksByTask.get(task) : null;
        return rankingBlocks != null ? rankingBlocks : forTask(task);
    }

    /** The tasks that have a reward. */
    public Set<QualityTask> tasks() {
        return byTask.keySet();
    }
}
