package visq.actors.router;

import akka.grpc.javadsl.Metadata;
import java.util.concurrent.CompletionStage;
import visq.protocol.api.CompareReply;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringService;
import visq.protocol.api.ScoringServicePowerApi;

/** The scoring API behind the bearer-token check: unauthenticated requests never reach the router. */
public final class AuthenticatedScoringService implements ScoringServicePowerApi {
    private final BearerTokenCheck check;
    private final ScoringService scoring;

    public AuthenticatedScoringService(BearerTokenCheck check, ScoringService scoring) {
        this.check = check;
        this.scoring = scoring;
    }

    @Override
    public CompletionStage<ScoreReply> score(ScoreRequest request, Metadata metadata) {
        return check.guard(metadata, () -> scoring.score(request));
    }

    @Override
    public CompletionStage<DegradationReply> degradation(DegradationRequest request, Metadata metadata) {
        return check.guard(metadata, () -> scoring.degradation(request));
    }

    @Override
    public CompletionStage<CompareReply> compare(CompareRequest request, Metadata metadata) {
        return check.guard(metadata, () -> scoring.compare(request));
    }
}
