package visq.actors.router;

import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import visq.protocol.api.CompareReply;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringService;

/**
 * Admission control in front of the scoring service: at most {@code maxInFlight} requests are inside it at once,
 * from image decoding to the reply. One more is refused at once with RESOURCE_EXHAUSTED, before its image is decoded,
 * so under overload no work queues up on the image dispatcher (the router's own limit only sees requests whose
 * images are already prepared).
 */
public final class AdmittedScoringService implements ScoringService {
    private final ScoringService inner;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ServingMetrics metrics;

    public AdmittedScoringService(ScoringService inner, int maxInFlight) {
        this(inner, maxInFlight, ServingMetrics.none());
    }

    /** Every refusal is recorded in {@code metrics}. */
    public AdmittedScoringService(ScoringService inner, int maxInFlight, ServingMetrics metrics) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1, got " + maxInFlight);
        }
        this.inner = inner;
        this.maxInFlight = maxInFlight;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<ScoreReply> score(ScoreRequest request) {
        return admit(() -> inner.score(request));
    }

    @Override
    public CompletionStage<DegradationReply> degradation(DegradationRequest request) {
        return admit(() -> inner.degradation(request));
    }

    @Override
    public CompletionStage<CompareReply> compare(CompareRequest request) {
        return admit(() -> inner.compare(request));
    }

    /** Requests inside the service now. */
    public int inFlight() {
        return inFlight.get();
    }

    private <T> CompletionStage<T> admit(Supplier<CompletionStage<T>> call) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            metrics.refused(ServingMetrics.IN_FLIGHT_LIMIT);
            return CompletableFuture.failedFuture(new GrpcServiceException(Status.RESOURCE_EXHAUSTED.withDescription(
                    "the scoring service is at its limit of " + maxInFlight + " requests in flight; retry later")));
        }
        CompletionStage<T> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        return result.whenComplete((reply, failure) -> inFlight.decrementAndGet());
    }
}
