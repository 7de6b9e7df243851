package visq.gpu.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Dynamic sampling (DAPO): groups whose rewards are all exactly equal have zero advantage everywhere and carry no
 * signal, so they are dropped before the update.
 */
public final class DynamicSampling {

    /** The groups kept, by index in the input, and how many were dropped. */
    public record Selection(List<Integer> keptGroups, int dropped) {
        public Selection {
            keptGroups = List.copyOf(keptGroups);
        }

        /** The kept elements of {@code groups} (parallel to the rewards that were selected on), in order. */
        public <T> List<T> keep(List<T> groups) {
            List<T> kept = new ArrayList<>();
            for (int index : keptGroups) {
                kept.add(groups.get(index));
            }
            return List.copyOf(kept);
        }
    }

    private DynamicSampling() {}

    /** Keeps the groups of {@code groupRewards} whose rewards are not all equal. */
    public static Selection select(double[][] groupRewards) {
        List<Integer> kept = new ArrayList<>();
        for (int g = 0; g < groupRewards.length; g++) {
            if (!allEqual(groupRewards[g])) {
                kept.add(g);
            }
        }
        return new Selection(kept, groupRewards.length - kept.size());
    }

    static boolean allEqual(double[] rewards) {
        for (double r : rewards) {
            if (Double.compare(r, rewards[0]) != 0) {
                return false;
            }
        }
        return true;
    }
}
