package visq.deploy.bench;

import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * An open-loop load: requests start at a fixed rate whatever the latency (as real clients do), for a fixed
 * time. Reports completed requests, failures by status code, p50/p99 latency and the JVM heap in use after
 * a GC before and after the run (the node runs in this JVM, so a leak would show).
 */
final class SteadyLoad {
    private final ScoringServiceClient scoring;
    private final ScoreRequest request;
    private final PrintStream out;

    SteadyLoad(ScoringServiceClient scoring, ScoreRequest request, PrintStream out) {
        this.scoring = scoring;
        this.request = request;
        this.out = out;
    }

    void run(String label, double requestsPerSecond, int seconds) throws InterruptedException {
        long heapBefore = heapAfterGc();
        LatencyRecorder latencies = new LatencyRecorder();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicInteger outstanding = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = (long) (1e9 / requestsPerSecond);
        ticker.scheduleAtFixedRate(() -> {
            long started = System.nanoTime();
            outstanding.incrementAndGet();
            scoring.score(request).whenComplete((reply, failure) -> {
                outstanding.decrementAndGet();
                if (failure == null) {
                    synchronized (latencies) {
                        latencies.record(System.nanoTime() - started);
                    }
                } else {
                    failures.computeIfAbsent(codeOf(failure), code -> new AtomicInteger()).incrementAndGet();
                }
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        Thread.sleep(seconds * 1000L);
        ticker.shutdownNow();
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
            Thread.sleep(20);
        }
        long heapAfter = heapAfterGc();
        Map<String, Integer> byCode = new TreeMap<>();
        failures.forEach((code, count) -> byCode.put(code, count.get()));
        synchronized (latencies) {
            out.printf(Locale.ROOT, "%s: offered %.0f requests/s for %d s: %d answered, failures %s, p50 %.1f ms, "
                    + "p99 %.1f ms; heap after GC %.1f MB before, %.1f MB after%n", label, requestsPerSecond, seconds,
                    latencies.count(), byCode.isEmpty() ? "none" : byCode, latencies.percentileMillis(50),
                    latencies.percentileMillis(99), heapBefore / 1e6, heapAfter / 1e6);
        }
    }

    private static String codeOf(Throwable failure) {
        Throwable cause = failure;
        while (cause != null) {
            if (cause instanceof GrpcServiceException grpc) {
                return grpc.getStatus().getCode().name();
            }
            if (cause instanceof StatusRuntimeException status) {
                return status.getStatus().getCode().name();
            }
            cause = cause.getCause();
        }
        return Status.Code.UNKNOWN.name() + "(" + failure.getClass().getSimpleName() + ")";
    }

    static long heapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
