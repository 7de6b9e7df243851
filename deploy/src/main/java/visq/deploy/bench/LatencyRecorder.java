package visq.deploy.bench;

import java.util.Arrays;

/** Collects durations and reports percentiles (nearest rank). Not thread-safe: one recorder per thread. */
final class LatencyRecorder {
    private long[] nanos = new long[1024];
    private int count;

    void record(long durationNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
    }

    void addAll(LatencyRecorder other) {
        for (int i = 0; i < other.count; i++) {
            record(other.nanos[i]);
        }
    }

    int count() {
        return count;
    }

    /** The {@code p}-th percentile in milliseconds (p in (0, 100]). */
    double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1e6;
    }
}
