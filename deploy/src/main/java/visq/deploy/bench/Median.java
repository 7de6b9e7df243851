package visq.deploy.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median of repeated measurements (the mean of the two middle values for an even count). */
final class Median {
    private Median() {}

    /** @throws IllegalArgumentException for no values or a value that is not finite */
    static double of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no measurements is undefined");
        }
        List<Double> sorted = new ArrayList<>(values);
        for (double value : sorted) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("measurement " + value + " is not finite: " + values);
            }
        }
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
