package visq.deploy.eval;

import java.util.List;
import java.util.Map;
import visq.gpu.data.IqaSample;

/**
 * One set of images to evaluate: its report name, its samples, and the problem of each sample whose image is
 * known to be missing (evaluated as a row with that problem, never a stop).
 */
public record EvaluationTarget(String name, List<IqaSample> samples, Map<String, String> problems) {

    public EvaluationTarget {
        samples = List.copyOf(samples);
        problems = Map.copyOf(problems);
    }
}
