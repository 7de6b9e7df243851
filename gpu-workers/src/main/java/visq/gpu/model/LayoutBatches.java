package visq.gpu.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Splits a batch of rows into groups that share a layout (rows of one group can be run as one padded-free batch),
 * keeping each group's rows in their original order and the groups in key order.
 */
public final class LayoutBatches {

    private LayoutBatches() {}

    /** The indexes of {@code rows}, grouped by {@code layout}. */
    public static <T, K extends Comparable<K>> List<List<Integer>> group(List<T> rows, Function<T, K> layout) {
        Map<K, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            groups.computeIfAbsent(layout.apply(rows.get(i)), k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(groups.values());
    }

    /** The elements of {@code rows} at {@code indexes}, in that order. */
    public static <T> List<T> pick(List<T> rows, List<Integer> indexes) {
        List<T> out = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            out.add(rows.get(index));
        }
        return out;
    }
}
