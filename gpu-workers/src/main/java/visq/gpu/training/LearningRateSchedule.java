package visq.gpu.training;

/**
 * Linear decay of the learning rate to 0 with optional linear warm-up, as the papers' trainers (Hugging Face's
 * {@code get_linear_schedule_with_warmup}) compute it: for update index s (0-based) the factor is s / warmup during
 * warm-up, then (total − s) / (total − warmup), never below 0.
 *
 * @param baseLearningRate the peak learning rate
 * @param warmupSteps updates of warm-up (0: none, the first update uses the full rate)
 * @param totalSteps updates of the whole run
 */
public record LearningRateSchedule(double baseLearningRate, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps <= totalSteps and totalSteps >= 1");
        }
    }

    /** The learning rate of update {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) {
            return baseLearningRate * step / Math.max(1, warmupSteps);
        }
        double factor = (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps);
        return baseLearningRate * Math.max(0.0, factor);
    }
}
