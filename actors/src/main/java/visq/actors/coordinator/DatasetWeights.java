package visq.actors.coordinator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import visq.gpu.tasks.QualityTask;

/**
 * How often a task's steps come from each of its datasets ({@code visq.training.dataset-weights.<task>.<dataset>}):
 * each step of a task takes its prompts from one dataset, the one that has walked the smallest share of its prompts
 * × weight, so a task's steps come from its datasets in proportion to their prompts × weight (1 when not named).
 * A weight below 1 makes a large dataset take fewer of the task's steps (e.g. ranking blocks of many generated crops
 * beside a smaller opinion-score set). A weight of a dataset that does not serve the task, or of a task the run does
 * not train, takes no part (as a share of an untrained task), so a run that configures its own datasets never trips
 * over the default's weights.
 */
public final class DatasetWeights {
    static final String KEY = "visq.training.dataset-weights";

    private final Map<QualityTask, Map<String, Double>> weights;

    private DatasetWeights(Map<QualityTask, Map<String, Double>> weights) {
        this.weights = weights;
    }

    /** Every dataset weighs 1. */
    public static DatasetWeights none() {
        return new DatasetWeights(Map.of());
    }

    /** The weights under {@link #KEY}; an unknown task or a weight that is not positive and finite is refused. */
    public static DatasetWeights fromConfig(Config config) {
        Map<QualityTask, Map<String, Double>> weights = new EnumMap<>(QualityTask.class);
        if (!config.hasPath(KEY)) {
            return none();
        }
        Config section = config.getConfig(KEY);
        for (String id : section.root().keySet()) {
            QualityTask task = QualityTask.fromId(id).orElseThrow(() -> new IllegalArgumentException(
                    KEY + ": unknown task '" + id + "'"));
            String taskKey = KEY + "." + ConfigUtil.joinPath(id);
            Map<String, Double> perDataset = new HashMap<>();
            for (String dataset : config.getConfig(taskKey).root().keySet()) {
                double weight = config.getDouble(taskKey + "." + ConfigUtil.joinPath(dataset));
                if (!(weight > 0) || Double.isInfinite(weight)) {
                    throw new IllegalArgumentException(taskKey + "." + dataset + " must be positive and finite, got "
                            + weight);
                }
                perDataset.put(dataset, weight);
            }
            weights.put(task, Map.copyOf(perDataset));
        }
        return new DatasetWeights(weights);
    }

    /** The weight of {@code dataset} for {@code task} (1 when not named). */
    public double of(QualityTask task, String dataset) {
        return weights.getOrDefault(task, Map.of()).getOrDefault(dataset, 1.0);
    }
}
