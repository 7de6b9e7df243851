package visq.actors.coordinator;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import visq.actors.learner.MethodSettings;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.MethodPreset;

/**
 * Typed settings of a training run, read once from {@code visq.training}. The group size and the rollouts' sampling
 * (temperature, top-k, top-p) are the method preset's unless set here ({@link MethodSettings}); the most new tokens
 * a rollout may have is {@code visq.training.sampling.max-new-tokens}.
 *
 * <p>{@code tasks} and {@code coldStartTasks} are turns: step s of GRPO trains {@code tasks[(s - 1) mod n]}, step s
 * of the cold start {@code coldStartTasks[(s - 1) mod m]}, so a task named twice in a turn gets twice the steps of a
 * task named once. Every task of the cold start's turn is one of {@code tasks}.
 */
public record TrainingSettings(long coldStartSteps, long grpoSteps, int promptsPerStep, int coldStartBatch,
        int groupSize, long seed, List<QualityTask> tasks, List<QualityTask> coldStartTasks, SamplingSettings sampling,
        Duration rolloutTimeout, Duration learnerTimeout, int maxDispatchAttempts, int minWorkers, int maxStaleness,
        double grpoHoldout, TrainingRecipe recipe) {

    public TrainingSettings {
        tasks = List.copyOf(tasks);
        coldStartTasks = List.copyOf(coldStartTasks);
        if (groupSize < 2) {
            throw new IllegalArgumentException("visq.training.group-size must be at least 2, got " + groupSize);
        }
        if (promptsPerStep < 1 || coldStartBatch < 1) {
            throw new IllegalArgumentException("visq.training prompts-per-step and cold-start-batch must be >= 1");
        }
        if (maxStaleness < 0) {
            throw new IllegalArgumentException("visq.training.max-staleness must be >= 0, got " + maxStaleness);
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("visq.training.tasks must name at least one task");
        }
        if (coldStartTasks.isEmpty()) {
            throw new IllegalArgumentException("visq.training.cold-start-tasks must name at least one task (or be "
                    + "null: the turn of visq.training.tasks)");
        }
        for (QualityTask task : coldStartTasks) {
            if (!tasks.contains(task)) {
                throw new IllegalArgumentException("visq.training.cold-start-tasks names " + task.id()
                        + ", which visq.training.tasks " + ids(tasks) + " does not train");
            }
        }
    }

    /** The tasks the run trains, each once, in the order of their first turn in {@code tasks}. */
    public List<QualityTask> trainedTasks() {
        return tasks.stream().distinct().toList();
    }

    /** The task of cold-start step {@code step} (counted from 1). */
    public QualityTask coldStartTaskOf(long step) {
        return turnOf(coldStartTasks, step);
    }

    /** The task of GRPO step {@code step} (counted from 1 at the cold start's first step, as checkpoints count). */
    public QualityTask grpoTaskOf(long step) {
        return turnOf(tasks, step);
    }

    private static QualityTask turnOf(List<QualityTask> turn, long step) {
        if (step < 1) {
            throw new IllegalArgumentException("steps count from 1, got " + step);
        }
        return turn.get((int) ((step - 1) % turn.size()));
    }

    private static String ids(List<QualityTask> tasks) {
        return tasks.stream().map(QualityTask::id).toList().toString();
    }

    /** Keys are read by their full path, so that a bad value's error names its key. */
    private static final String AREA = "visq.training.";

    /** The settings of {@code config}, with the method {@link MethodSettings} resolves from it. */
    public static TrainingSettings fromConfig(Config config) {
        return fromConfig(config, MethodSettings.fromConfig(config).preset());
    }

    /** The settings of {@code config}, with G and the rollouts' sampling of {@code method} (a resolved preset). */
    public static TrainingSettings fromConfig(Config config, MethodPreset method) {
        List<QualityTask> tasks = tasksAt(config, AREA + "tasks");
        List<QualityTask> coldStartTasks = config.getIsNull(AREA + "cold-start-tasks")
                ? tasks : tasksAt(config, AREA + "cold-start-tasks");
        int maxNewTokens = config.getInt(AREA + "sampling.max-new-tokens");
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("visq.training.sampling.max-new-tokens must be positive, got "
                    + maxNewTokens);
        }
        SamplingSettings sampling = method.sampling().forRollouts(maxNewTokens);
        String recipe = config.getString(AREA + "recipe");
        return new TrainingSettings(config.getLong(AREA + "cold-start-steps"), config.getLong(AREA + "grpo-steps"),
                config.getInt(AREA + "prompts-per-step"), config.getInt(AREA + "cold-start-batch"), method.groupSize(),
                config.getLong(AREA + "seed"), tasks, coldStartTasks, sampling,
                config.getDuration(AREA + "rollout-timeout"),
                config.getDuration(AREA + "learner-timeout"), config.getInt(AREA + "max-dispatch-attempts"),
                config.getInt(AREA + "min-workers"), config.getInt(AREA + "max-staleness"),
                config.getDouble(AREA + "grpo-holdout"), TrainingRecipe.fromId(recipe).orElseThrow(() ->
                        new IllegalArgumentException("visq.training.recipe: unknown recipe '" + recipe + "' (one of "
                                + TrainingRecipe.ids() + ")")));
    }

    private static List<QualityTask> tasksAt(Config config, String key) {
        return config.getStringList(key).stream()
                .map(id -> QualityTask.fromId(id).orElseThrow(() -> new IllegalArgumentException(
                        key + ": unknown task '" + id + "'")))
                .collect(Collectors.toList());
    }

    /** These settings with no supervised cold start: training is GRPO from the first step. */
    public TrainingSettings withoutColdStart() {
        return new TrainingSettings(0, grpoSteps, promptsPerStep, coldStartBatch, groupSize, seed, tasks,
                coldStartTasks, sampling, rolloutTimeout, learnerTimeout, maxDispatchAttempts, minWorkers,
                maxStaleness, grpoHoldout, recipe);
    }
}
