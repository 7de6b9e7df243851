package visq.deploy.bench;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import visq.deploy.node.NodeProcess;
import visq.actors.cluster.DataDirectories;

/**
 * {@code visq bench --only soak}: one local node trains (a short cold start, then GRPO for as long as the soak
 * lasts, checkpointing as configured) while an open-loop client scores an image at a steady rate over gRPC; once a
 * minute the JVM heap after a full GC and the live NDArrays of every model (the learner's policy, reference and
 * optimiser state, each rollout worker's model, from the node's own Prometheus metrics) are sampled. The drift of
 * each over the soak after its first sixth (the last 50 of 60 minutes), as {@link SoakSeries#drift}, says whether
 * memory stays flat.
 */
public final class SoakBench {
    /** Cold-start steps before GRPO: short, so the soak measures the steady GRPO phase. */
    static final int COLD_START_STEPS = 200;
    private static final String[] LIVE_ARRAY_METRICS = {"visq_training_live_arrays", "visq_rollout_live_arrays"};

    private final Config config;
    private final PrintStream out;
    private final BenchSummary summary;

    /** A soak that prints to {@code out} and records both drifts in {@code summary}. */
    public SoakBench(Config config, PrintStream out, BenchSummary summary) {
        this.config = config;
        this.out = out;
        this.summary = summary;
    }

    /** Runs the soak for {@code minutes} with {@code rate} scoring requests per second. */
    public void run(int minutes, double rate) throws Exception {
        if (minutes < 2) {
            throw new IllegalArgumentException("a soak needs at least 2 minutes to measure a drift, got " + minutes);
        }
        int metricsPort = NodeProcess.freePort();
        Path checkpoints = Files.createTempDirectory("visq-bench-soak");
        Map<String, Object> overrides = Map.of(
                "visq.training.cold-start-steps", COLD_START_STEPS,
                "visq.training.grpo-steps", 10_000_000,
                "visq.learner.checkpoint-dir", checkpoints.toString(),
                "visq.metrics.enabled", true,
                "visq.metrics.host", "127.0.0.1",
                "visq.metrics.port", metricsPort);
        Path image = DataDirectories.fromConfig(config).shared().resolve("data/clive/images/100.png");
        out.printf(Locale.ROOT, "visq bench (soak) on %d cores: %d min, training (%d cold-start steps, then GRPO) and "
                + "scoring %s at %.1f requests/s in one node; checkpoints in %s%n",
                Runtime.getRuntime().availableProcessors(), minutes, COLD_START_STEPS, image.getFileName(), rate,
                checkpoints);
        SoakSeries heap = new SoakSeries("heap after GC (MB)");
        SoakSeries arrays = new SoakSeries("live NDArrays");
        try (ServingNode node = ServingNode.start(config, overrides, image)) {
            PrometheusScrape metrics = new PrometheusScrape("127.0.0.1", metricsPort);
            SteadyLoad load = new SteadyLoad(node.scoring(), node.request(), out);
            CompletableFuture<Void> scoring = CompletableFuture.runAsync(() -> {
                try {
                    load.run("soak scoring", rate, minutes * 60);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long started = System.nanoTime();
            out.println("minute | heap after GC MB | live NDArrays | training step");
            for (int minute = 1; minute <= minutes; minute++) {
                Thread.sleep(Math.max(0, started + TimeUnit.MINUTES.toNanos(minute) - System.nanoTime()) / 1_000_000);
                sample((System.nanoTime() - started) / 6e10, metrics, heap, arrays);
            }
            scoring.get(minutes + 5L, TimeUnit.MINUTES);
        }
        double from = minutes / 6.0;
        summary.record(BenchSummary.Key.SOAK_HEAP_DRIFT, report(heap, from));
        summary.record(BenchSummary.Key.SOAK_NDARRAY_DRIFT, report(arrays, from));
    }

    private void sample(double minute, PrometheusScrape metrics, SoakSeries heap, SoakSeries arrays)
            throws IOException, InterruptedException {
        double heapMb = SteadyLoad.heapAfterGc() / 1e6;
        String exposition = metrics.fetch();
        double live = 0;
        for (String metric : LIVE_ARRAY_METRICS) {
            double value = PrometheusScrape.sum(exposition, metric);
            if (Double.isNaN(value)) {
                throw new IllegalStateException("the node's /metrics has no " + metric + " yet at minute "
                        + String.format(Locale.ROOT, "%.1f", minute));
            }
            live += value;
        }
        heap.add(minute, heapMb);
        arrays.add(minute, live);
        out.printf(Locale.ROOT, "%6.1f | %16.1f | %13.0f | %.0f%n", minute, heapMb, live,
                PrometheusScrape.sum(exposition, "visq_training_step"));
    }

    private double report(SoakSeries series, double from) {
        double drift = series.drift(from);
        double[] range = series.range(from);
        out.printf(Locale.ROOT, "soak %s from minute %.1f: drift %+.2f%% (least-squares rise over the window / mean),"
                + " range %.1f .. %.1f over %d samples%n", series.name(), from, drift * 100, range[0], range[1],
                series.size(from));
        return drift;
    }
}
