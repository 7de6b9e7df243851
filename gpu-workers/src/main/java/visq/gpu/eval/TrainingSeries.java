package visq.gpu.eval;

import java.util.Objects;

/**
 * One named training curve (reward mean, format rate, KL, score std across the K samples, ...): values over
 * training steps. NaN values are gaps (not drawn).
 */
public record TrainingSeries(String name, double[] steps, double[] values) {

    public TrainingSeries {
        Objects.requireNonNull(name, "name");
        if (steps.length != values.length) {
            throw new IllegalArgumentException("series '" + name + "' has " + steps.length + " steps but "
                    + values.length + " values");
        }
        steps = steps.clone();
        values = values.clone();
    }

    @Override
    public double[] steps() {
        return steps.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }
}
