package visq.gpu.training;

import java.util.List;

/**
 * The state of an {@link AdamW} optimiser as plain values, for checkpoints: per parameter (in the order of the
 * parameter list) its step count and its first and second moments, flattened in row-major order.
 */
public record AdamWState(List<Long> steps, List<float[]> firstMoments, List<float[]> secondMoments) {

    public AdamWState {
        steps = List.copyOf(steps);
        firstMoments = firstMoments.stream().map(float[]::clone).toList();
        secondMoments = secondMoments.stream().map(float[]::clone).toList();
        if (steps.size() != firstMoments.size() || steps.size() != secondMoments.size()) {
            throw new IllegalArgumentException("one step count and two moments per parameter");
        }
    }
}
