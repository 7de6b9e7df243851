package visq.deploy.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where time goes in a training run, from the node's own metrics: each sample holds the cumulative busy seconds of
 * the learner ({@code visq_training_learner_step_seconds_sum}) and of every rollout worker
 * ({@code visq_rollout_part_seconds_sum{worker}}) at a wall-clock time; between two samples a role's busy share is its
 * busy seconds over the wall seconds. The rest is waiting. A step or part is counted when it ends, so a stretch
 * shorter than a step can read above 100 % (and the one before it too low); the share over the whole run is exact.
 */
final class UtilisationTimeline {
    static final String LEARNER = "learner";
    static final String LEARNER_METRIC = "visq_training_learner_step_seconds_sum";
    static final String WORKER_METRIC = "visq_rollout_part_seconds_sum";

    private record Sample(double seconds, Map<String, Double> busy) {}

    private final List<Sample> samples = new ArrayList<>();

    /** Records the busy seconds in {@code exposition} at {@code seconds} since the start. */
    void add(double seconds, String exposition) {
        Map<String, Double> busy = new LinkedHashMap<>();
        double learner = PrometheusScrape.sum(exposition, LEARNER_METRIC);
        busy.put(LEARNER, Double.isNaN(learner) ? 0 : learner);
        PrometheusScrape.byLabel(exposition, WORKER_METRIC, "worker").forEach((worker, value) -> busy.put(worker, value));
        samples.add(new Sample(seconds, busy));
    }

    /** Each role's busy share between the first and the last sample. */
    Map<String, Double> overall() {
        if (samples.size() < 2) {
            throw new IllegalStateException("a utilisation needs at least 2 samples, got " + samples.size());
        }
        return shares(samples.get(0), samples.get(samples.size() - 1));
    }

    private static Map<String, Double> shares(Sample from, Sample to) {
        double wall = to.seconds() - from.seconds();
        Map<String, Double> shares = new LinkedHashMap<>();
        to.busy().forEach((role, busy) -> shares.put(role, (busy - from.busy().getOrDefault(role, 0.0)) / wall));
        return shares;
    }

    /** Prints the busy share of every role in {@code buckets} equal stretches of the samples, then overall. */
    void print(PrintStream out, String label, int buckets) {
        Map<String, Double> overall = overall();
        out.printf(Locale.ROOT, "%s, busy share per role (the rest is waiting): %s%n", label, format(overall));
        int step = Math.max(1, (samples.size() - 1) / buckets);
        for (int i = 0; i + step < samples.size(); i += step) {
            Sample from = samples.get(i);
            Sample to = samples.get(i + step);
            out.printf(Locale.ROOT, "  %5.1f-%5.1f s: %s%n", from.seconds(), to.seconds(), format(shares(from, to)));
        }
    }

    private static String format(Map<String, Double> shares) {
        List<String> parts = new ArrayList<>();
        shares.forEach((role, share) -> parts.add(String.format(Locale.ROOT, "%s %.0f%%", role, 100 * share)));
        return String.join(", ", parts);
    }
}
