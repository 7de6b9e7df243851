package visq.deploy.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One quantity sampled once a minute during a soak (heap after GC, live NDArrays), and its drift over the window after
 * the warm-up: the least-squares line through the window's samples, its rise over the window's span as a fraction of
 * the window's mean. A quantity that stays flat has drift near 0 whatever its noise; a leak of {@code b} per minute
 * over {@code s} minutes shows as {@code b·s / mean}.
 */
final class SoakSeries {
    private final String name;
    private final List<double[]> samples = new ArrayList<>();

    SoakSeries(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Records {@code value} at {@code minute} (minutes since the soak started). */
    void add(double minute, double value) {
        if (!Double.isFinite(minute) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": a sample needs a finite minute and value, got " + minute
                    + ", " + value);
        }
        samples.add(new double[] {minute, value});
    }

    /** How many samples lie at or after {@code fromMinute}. */
    int size(double fromMinute) {
        return (int) samples.stream().filter(s -> s[0] >= fromMinute).count();
    }

    /**
     * The drift over the samples at or after {@code fromMinute}: slope × (last minute − first minute) / mean. Needs at
     * least two samples at different minutes there and a non-zero mean.
     */
    double drift(double fromMinute) {
        List<double[]> window = samples.stream().filter(s -> s[0] >= fromMinute).toList();
        if (window.size() < 2) {
            throw new IllegalStateException(name + ": " + window.size() + " sample(s) after minute " + fromMinute
                    + ", a drift needs at least 2");
        }
        double meanMinute = window.stream().mapToDouble(s -> s[0]).average().orElseThrow();
        double meanValue = window.stream().mapToDouble(s -> s[1]).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (double[] s : window) {
            covariance += (s[0] - meanMinute) * (s[1] - meanValue);
            variance += (s[0] - meanMinute) * (s[0] - meanMinute);
        }
        if (variance == 0 || meanValue == 0) {
            throw new IllegalStateException(name + ": the samples after minute " + fromMinute
                    + " span no time or average 0; no relative drift");
        }
        double span = window.get(window.size() - 1)[0] - window.get(0)[0];
        return covariance / variance * span / meanValue;
    }

    /** The smallest and largest value at or after {@code fromMinute}. */
    double[] range(double fromMinute) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] s : samples) {
            if (s[0] >= fromMinute) {
                min = Math.min(min, s[1]);
                max = Math.max(max, s[1]);
            }
        }
        return new double[] {min, max};
    }
}
