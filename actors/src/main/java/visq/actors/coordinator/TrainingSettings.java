package visq.actors.coordinator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import visq.actors.learner.MethodSettings;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.MethodPreset;

/**
 * Typed settings of a training run, read once from {@code visq.training}. The group size and the rollouts' sampling
 * (temperature, top-k, top-p) are the method preset's unless set here ({@link MethodSettings}); the most new tokens
 * a rollout may have is {@code visq.training.sampling.max-new-tokens}; {@code constrained-answers} samples rollouts under
 * the answer constraint (off by default, on in {@code deploy/conf/rl-first.conf}).
 *
 * <p>Each phase takes the run's {@code tasks} in turn, step by step ({@link TaskTurn}), each task with its share of
 * the turn ({@code visq.training.cold-start-task-shares}, {@code grpo-task-shares}; 1 when not named); a task's
 * steps come from its datasets as {@link DatasetWeights} says ({@code visq.training.dataset-weights}).
 */
public record TrainingSettings(long coldStartSteps, long grpoSteps, int promptsPerStep, int coldStartBatch,
        int groupSize, long seed, List<QualityTask> tasks, TaskTurn coldStartTurn, TaskTurn grpoTurn,
        SamplingSettings sampling, Duration rolloutTimeout, Duration learnerTimeout, Duration learnerSetupTimeout,
        int maxDispatchAttempts, int minWorkers, int maxStaleness, double grpoHoldout, TrainingRecipe recipe,
        DatasetWeights datasetWeights) {

    public TrainingSettings {
        tasks = List.copyOf(tasks);
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
        if (tasks.stream().distinct().count() != tasks.size()) {
            throw new IllegalArgumentException("visq.training.tasks names a task twice " + ids(tasks)
                    + "; give a task more steps with visq.training.cold-start-task-shares or grpo-task-shares");
        }
        for (TaskTurn turn : List.of(coldStartTurn, grpoTurn)) {
            if (!tasks.containsAll(turn.order())) {
                throw new IllegalArgumentException("a turn " + ids(turn.order()) + " takes a task that "
                        + "visq.training.tasks " + ids(tasks) + " does not train");
            }
        }
    }

    /** The task of cold-start step {@code step} (counted from 1). */
    public QualityTask coldStartTaskOf(long step) {
        return coldStartTurn.taskOf(step);
    }

    /** The task of GRPO step {@code step} (counted from 1 at the cold start's first step, as checkpoints count). */
    public QualityTask grpoTaskOf(long step) {
        return grpoTurn.taskOf(step);
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
        List<QualityTask> tasks = config.getStringList(AREA + "tasks").stream()
                .map(id -> QualityTask.fromId(id).orElseThrow(() -> new IllegalArgumentException(
                        "visq.training.tasks: unknown task '" + id + "'")))
                .collect(Collectors.toList());
        if (tasks.isEmpty()) { // before the turns are built from them
            throw new IllegalArgumentException("visq.training.tasks must name at least one task");
        }
        int maxNewTokens = config.getInt(AREA + "sampling.max-new-tokens");
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("visq.training.sampling.max-new-tokens must be positive, got "
                    + maxNewTokens);
        }
        SamplingSettings sampling = method.sampling().forRollouts(maxNewTokens)
                .withConstrainedAnswers(config.getBoolean(AREA + "sampling.constrained-answers"));
        String recipe = config.getString(AREA + "recipe");
        return new TrainingSettings(config.getLong(AREA + "cold-start-steps"), config.getLong(AREA + "grpo-steps"),
                config.getInt(AREA + "prompts-per-step"), config.getInt(AREA + "cold-start-batch"), method.groupSize(),
                config.getLong(AREA + "seed"), tasks, turnAt(config, "cold-start-task-shares", tasks),
                turnAt(config, "grpo-task-shares", tasks), sampling, config.getDuration(AREA + "rollout-timeout"),
                config.getDuration(AREA + "learner-timeout"), config.getDuration(AREA + "learner-setup-timeout"),
                config.getInt(AREA + "max-dispatch-attempts"),
                config.getInt(AREA + "min-workers"), config.getInt(AREA + "max-staleness"),
                config.getDouble(AREA + "grpo-holdout"), TrainingRecipe.fromId(recipe).orElseThrow(() ->
                        new IllegalArgumentException("visq.training.recipe: unknown recipe '" + recipe + "' (one of "
                                + TrainingRecipe.ids() + ")")), DatasetWeights.fromConfig(config));
    }

    /** The turn of {@code tasks} with the shares at {@code visq.training.<name>} (task id = steps per turn). */
    private static TaskTurn turnAt(Config config, String name, List<QualityTask> tasks) {
        String key = AREA + name;
        Map<QualityTask, Integer> shares = new EnumMap<>(QualityTask.class);
        Config section = config.getConfig(key);
        for (String id : section.root().keySet()) {
            QualityTask task = QualityTask.fromId(id).orElseThrow(() -> new IllegalArgumentException(
                    key + ": unknown task '" + id + "'"));
            int share = config.getInt(key + "." + ConfigUtil.joinPath(id));
            if (share < 1) {
                throw new IllegalArgumentException(key + "." + id + " must be at least 1, got " + share
                        + " (leave the task out of visq.training.tasks to skip it)");
            }
            shares.put(task, share);
        }
        return TaskTurn.of(tasks, shares);
    }

    /** These settings with no supervised cold start: training is GRPO from the first step. */
    public TrainingSettings withoutColdStart() {
        return new TrainingSettings(0, grpoSteps, promptsPerStep, coldStartBatch, groupSize, seed, tasks,
                coldStartTurn, grpoTurn, sampling, rolloutTimeout, learnerTimeout, learnerSetupTimeout,
                maxDispatchAttempts, minWorkers,
                maxStaleness, grpoHoldout, recipe, datasetWeights);
    }
}
