package visq.deploy.eval;

import java.nio.file.Path;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.tasks.QualityTask;

/**
 * What {@code visq eval} evaluates: the checkpoint folder, where reports go, how scores are decoded,
 * which score task is asked, and at most how many images per dataset (0 = all).
 */
public record EvaluationSettings(Path checkpointDirectory, Path outputDirectory, ScoreDecoding decoding,
        QualityTask scoreTask, int maxImages, int maxNewTokens) {}
