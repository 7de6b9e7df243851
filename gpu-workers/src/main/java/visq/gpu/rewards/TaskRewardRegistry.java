package visq.gpu.rewards;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import visq.gpu.tasks.QualityTask;

/** The reward function of each task trained with rewards, keyed by task. */
public final class TaskRewardRegistry {

    private final Map<QualityTask, TaskRewardFunction> byTask;

    private TaskRewardRegistry(Map<QualityTask, TaskRewardFunction> byTask) {
        this.byTask = Collections.unmodifiableMap(byTask);
    }

    /** A registry of {@code functions}; throws {@link IllegalArgumentException} when two reward the same task. */
    public static TaskRewardRegistry of(List<TaskRewardFunction> functions) {
        Map<QualityTask, TaskRewardFunction> byTask = new EnumMap<>(QualityTask.class);
        for (TaskRewardFunction function : functions) {
            TaskRewardFunction earlier = byTask.put(function.task(), function);
            if (earlier != null) {
                throw new IllegalArgumentException("task " + function.task().id() + " has two rewards: "
                        + earlier.getClass().getSimpleName() + " and " + function.getClass().getSimpleName());
            }
        }
        return new TaskRewardRegistry(byTask);
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

    /** The tasks that have a reward. */
    public Set<QualityTask> tasks() {
        return byTask.keySet();
    }
}
