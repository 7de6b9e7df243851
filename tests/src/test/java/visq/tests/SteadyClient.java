package visq.tests;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * A client that scores one request after another against one endpoint on its own thread, as a steady user does, and
 * records how each ended: {@code OK}, the gRPC status code, or {@code HANG} when no answer came within the wait.
 */
final class SteadyClient implements AutoCloseable {
    /** How one request ended, and when (System.nanoTime at its end). */
    record Outcome(String result, long endedNanos) {}

    static final String HANG = "HANG";

    private final List<Outcome> outcomes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    SteadyClient(String name, ScoringServiceClient scoring, ScoreRequest request, long waitSeconds) {
        thread = new Thread(() -> {
            while (running) {
                String result;
                try {
                    scoring.score(request).toCompletableFuture().get(waitSeconds, TimeUnit.SECONDS);
                    result = "OK";
                } catch (ExecutionException e) {
                    result = Status.fromThrowable(e.getCause()).getCode().name();
                } catch (TimeoutException e) {
                    result = HANG;
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (outcomes) {
                    outcomes.add(new Outcome(result, System.nanoTime()));
                }
                if (!result.equals("OK")) {
                    try {
                        Thread.sleep(20); // pacing, as a client backs off: a refused call returns at once
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, name);
        thread.start();
    }

    /** The outcomes so far, oldest first. */
    List<Outcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** The outcomes of the requests that ended after {@code sinceNanos}, oldest first. */
    List<Outcome> outcomesSince(long sinceNanos) {
        return outcomes().stream().filter(o -> o.endedNanos() > sinceNanos).toList();
    }

    /** When the newest request ended (System.nanoTime); 0 before any. */
    long lastOutcomeNanos() {
        List<Outcome> all = outcomes();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).endedNanos();
    }

    /** How many requests ended {@code OK} after {@code sinceNanos}. */
    long succeededSince(long sinceNanos) {
        return outcomesSince(sinceNanos).stream().filter(o -> o.result().equals("OK")).count();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
