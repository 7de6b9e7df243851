package visq.actors.router;

import akka.grpc.javadsl.Metadata;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.CompareReply;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServicePowerApi;

/** The scoring API with every request recorded in {@link ServingMetrics}, whatever answers it (token check included). */
public final class MeteredScoringService implements ScoringServicePowerApi {
    private final ScoringServicePowerApi inner;
    private final ServingMetrics metrics;

    public MeteredScoringService(ScoringServicePowerApi inner, ServingMetrics metrics) {
        this.inner = inner;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<ScoreReply> score(ScoreRequest request, Metadata metadata) {
        return metrics.measure("Score", () -> inner.score(request, metadata));
    }

    @Override
    public CompletionStage<DegradationReply> degradation(DegradationRequest request, Metadata metadata) {
        return metrics.measure("Degradation", () -> inner.degradation(request, metadata));
    }

    @Override
    public CompletionStage<CompareReply> compare(CompareRequest request, Metadata metadata) {
        return metrics.measure("Compare", () -> inner.compare(request, metadata));
    }
}
