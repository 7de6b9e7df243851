package visq.actors.router;

import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the serving path records: every gRPC request of the Visq APIs by RPC and status with its latency
 * ({@code visq_grpc_server_requests_seconds}, a histogram whose {@code _count} is the request count), the requests
 * inside those APIs now ({@code visq_grpc_server_in_flight}), the size of each batch the router sends a worker
 * ({@code visq_router_batch_size}) and the requests refused before any work, by reason
 * ({@code visq_grpc_server_refusals_total}). Recording never blocks.
 */
public final class ServingMetrics {
    /** The admission gate in front of the scoring service was full. */
    public static final String IN_FLIGHT_LIMIT = "in-flight-limit";
    /** The router had as many requests in flight as it allows. */
    public static final String ROUTER_IN_FLIGHT_LIMIT = "router-in-flight-limit";
    /** The request was larger than visq.grpc.max-request-size. */
    public static final String REQUEST_TOO_LARGE = "request-too-large";

    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64};

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DistributionSummary batchSize;

    public ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("visq.grpc.server.in.flight", inFlight, AtomicInteger::get)
                .description("Visq API requests being served now").register(registry);
        batchSize = DistributionSummary.builder("visq.router.batch.size")
                .description("Requests per batch the router sent a worker").serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
        for (String reason : new String[] {IN_FLIGHT_LIMIT, ROUTER_IN_FLIGHT_LIMIT, REQUEST_TOO_LARGE}) {
            refusals(reason); // present at 0 from the start, so rates work from the first scrape
        }
    }

    /** Records nothing (tests and tools that need no metrics). */
    public static ServingMetrics none() {
        return new ServingMetrics(new CompositeMeterRegistry());
    }

    /** {@code call}'s result, recorded as one request of {@code rpc} with its status and latency. */
    public <T> CompletionStage<T> measure(String rpc, Supplier<CompletionStage<T>> call) {
        long started = System.nanoTime();
        inFlight.incrementAndGet();
        CompletionStage<T> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((reply, failure) -> {
            inFlight.decrementAndGet();
            Timer.builder("visq.grpc.server.requests")
                    .description("Visq API requests by RPC and gRPC status, with their latency")
                    .tag("rpc", rpc).tag("status", statusOf(failure).name())
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry).record(Duration.ofNanos(System.nanoTime() - started));
        });
    }

    /** One request refused for {@code reason} before any work was done for it. */
    public void refused(String reason) {
        refusals(reason).increment();
    }

    /** The router sent a worker a batch of {@code size} requests. */
    public void batchSent(int size) {
        batchSize.record(size);
    }

    private Counter refusals(String reason) {
        return Counter.builder("visq.grpc.server.refusals")
                .description("Requests refused before any work, by reason").tag("reason", reason).register(registry);
    }

    /** The gRPC status a failure reaches the client as (Akka gRPC answers other exceptions with INTERNAL). */
    static Status.Code statusOf(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return Status.Code.OK;
        }
        if (cause instanceof GrpcServiceException grpc) {
            return grpc.status().getCode();
        }
        if (cause instanceof io.grpc.StatusRuntimeException status) {
            return status.getStatus().getCode();
        }
        if (cause instanceof UnsupportedOperationException) {
            return Status.Code.UNIMPLEMENTED;
        }
        return Status.Code.INTERNAL;
    }
}
