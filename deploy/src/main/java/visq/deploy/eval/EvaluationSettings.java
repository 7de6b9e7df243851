package visq.deploy.eval;

import java.nio.file.Path;
import java.util.List;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.tasks.QualityTask;

/**
 * What {@code visq eval} evaluates: the checkpoint folder, where reports go, how scores are decoded, which tasks are
 * asked (score tasks of every image, the first one headlining the reports; degradation of images with degradation
 * labels), and at most how many images per dataset (0 = all). Answers are decoded as the scoring service decodes
 * them ({@code visq.router.sampling}, {@code visq.router.max-new-tokens}).
 */
public record EvaluationSettings(Path checkpointDirectory, Path outputDirectory, ScoreDecoding decoding,
        List<QualityTask> tasks, int maxImages) {

    public EvaluationSettings {
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty() || tasks.contains(QualityTask.COMPARISON)) {
            throw new IllegalArgumentException("evaluation asks score, score-number and/or degradation, got " + tasks);
        }
    }

    /** The score task {@code scoreTask} of every image and the degradation of labelled images. */
    public EvaluationSettings(Path checkpointDirectory, Path outputDirectory, ScoreDecoding decoding,
            QualityTask scoreTask, int maxImages) {
        this(checkpointDirectory, outputDirectory, decoding, List.of(scoreTask, QualityTask.DEGRADATION), maxImages);
    }

    /** The score tasks asked, headline first. */
    public List<QualityTask> scoreTasks() {
        return tasks.stream().filter(t -> t != QualityTask.DEGRADATION).toList();
    }

    public boolean asksDegradation() {
        return tasks.contains(QualityTask.DEGRADATION);
    }
}
