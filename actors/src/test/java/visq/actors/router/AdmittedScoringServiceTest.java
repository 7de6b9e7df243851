package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import visq.protocol.api.CompareReply;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringService;

/** The admission gate counts requests from entry to reply; the scoring behind it is a stand-in we complete by hand. */
class AdmittedScoringServiceTest {

    /** A scoring service whose replies the test completes (or fails) when it wants. */
    private static final class HeldReplies implements ScoringService {
        final List<CompletableFuture<ScoreReply>> pending = new ArrayList<>();

        @Override
        public CompletionStage<ScoreReply> score(ScoreRequest request) {
            CompletableFuture<ScoreReply> reply = new CompletableFuture<>();
            pending.add(reply);
            return reply;
        }

        @Override
        public CompletionStage<DegradationReply> degradation(DegradationRequest request) {
            return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<CompareReply> compare(CompareRequest request) {
            return new CompletableFuture<>();
        }
    }

    @Test
    void refusesBeyondTheLimitAtOnceAndAdmitsAgainWhenARequestEnds() throws Exception {
        HeldReplies held = new HeldReplies();
        AdmittedScoringService gate = new AdmittedScoringService(held, 2);
        ScoreRequest request = ScoreRequest.getDefaultInstance();
        CompletionStage<ScoreReply> first = gate.score(request);
        gate.score(request);
        CompletableFuture<ScoreReply> refused = gate.score(request).toCompletableFuture();
        assertTrue(refused.isCompletedExceptionally(), "third request refused without waiting");
        assertEquals(2, held.pending.size(), "the refused request never reached the service");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, refused::get);
        Status status = ((GrpcServiceException) e.getCause()).status();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
        assertTrue(status.getDescription().contains("limit of 2"), status.getDescription());

        held.pending.get(1).completeExceptionally(new IllegalStateException("worker failed")); // failures release too
        held.pending.get(0).complete(ScoreReply.getDefaultInstance());
        assertTrue(first.toCompletableFuture().isDone());
        assertEquals(0, gate.inFlight());
        assertFalse(gate.score(request).toCompletableFuture().isDone(), "admitted again after both ended");
        assertEquals(1, gate.inFlight());
    }
}
