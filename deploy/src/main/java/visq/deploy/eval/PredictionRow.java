package visq.deploy.eval;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import visq.gpu.data.IqaSample;
import visq.gpu.image.DegradationLabel;
import visq.gpu.tasks.QualityTask;

/** What evaluation measured on one image: the answers per task, the baselines, or the problem that stopped it. */
final class PredictionRow {
    final IqaSample sample;
    final Map<QualityTask, ImageAnswer> answers = new EnumMap<>(QualityTask.class);
    final Map<String, Double> baselines = new LinkedHashMap<>();
    Optional<DegradationLabel> degradationAnswer = Optional.empty();
    /** Per degradation baseline, the label it read (only where the degradation task was asked). */
    final Map<String, DegradationLabel> baselineLabels = new LinkedHashMap<>();
    String problem = "";

    PredictionRow(IqaSample sample) {
        this.sample = sample;
    }

    boolean evaluated() {
        return problem.isEmpty();
    }
}
