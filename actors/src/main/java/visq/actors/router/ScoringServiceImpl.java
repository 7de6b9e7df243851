package visq.actors.router;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.grpc.GrpcServiceException;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.CompareReply;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringService;
import visq.protocol.api.VersionPin;

/**
 * The gRPC scoring API: validates a request, prepares its images, asks the inference router and
 * builds the reply. Every expected failure becomes a gRPC status whose message names the problem:
 * INVALID_ARGUMENT for bad input (a negative pin, or one beyond the newest version the cluster has produced),
 * FAILED_PRECONDITION for a produced version no worker holds, UNAVAILABLE when no worker can serve,
 * DEADLINE_EXCEEDED on timeout.
 */
public final class ScoringServiceImpl implements ScoringService {
    private final ActorSystem<?> system;
    private final ActorRef<InferenceRouter.Command> router;
    private final ImageIntake intake;
    private final AnswerReplies replies;
    private final Duration timeout;

    public ScoringServiceImpl(ActorSystem<?> system, ActorRef<InferenceRouter.Command> router, ImageIntake intake,
            AnswerReplies replies, Duration timeout) {
        this.system = system;
        this.router = router;
        this.intake = intake;
        this.replies = replies;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<ScoreReply> score(ScoreRequest request) {
        long started = System.nanoTime();
        QualityTask task;
        try {
            task = scoringTask(request.getTask());
            requireImage(request.hasImage() ? request.getImage().getEncoded().size() : 0, "image");
            requireValidPin(request.getPin());
        } catch (GrpcServiceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return intake.prepare(request.getImage(), "image")
                .thenCompose(image -> route(task, List.of(image), request.getPin()))
                .thenApply(answered -> replies.score(task, answered, millisSince(started)));
    }

    @Override
    public CompletionStage<DegradationReply> degradation(DegradationRequest request) {
        long started = System.nanoTime();
        try {
            requireImage(request.hasImage() ? request.getImage().getEncoded().size() : 0, "image");
            requireValidPin(request.getPin());
        } catch (GrpcServiceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return intake.prepare(request.getImage(), "image")
                .thenCompose(image -> route(QualityTask.DEGRADATION, List.of(image), request.getPin()))
                .thenApply(answered -> replies.degradation(answered, millisSince(started)));
    }

    @Override
    public CompletionStage<CompareReply> compare(CompareRequest request) {
        long started = System.nanoTime();
        try {
            requireImage(request.hasImageA() ? request.getImageA().getEncoded().size() : 0, "image_a");
            requireImage(request.hasImageB() ? request.getImageB().getEncoded().size() : 0, "image_b");
            requireValidPin(request.getPin());
        } catch (GrpcServiceException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<ImageTensor> reference = request.hasReference()
                ? intake.prepare(request.getReference(), "reference")
                : CompletableFuture.completedFuture(null);
        CompletionStage<ImageTensor> imageA = intake.prepare(request.getImageA(), "image_a");
        CompletionStage<ImageTensor> imageB = intake.prepare(request.getImageB(), "image_b");
        return reference.thenCompose(ignoredReference -> imageA.thenCombine(imageB, List::of))
                .thenCompose(images -> route(QualityTask.SCORE, List.of(images.get(0)), request.getPin())
                        .thenCombine(route(QualityTask.SCORE, List.of(images.get(1)), request.getPin()),
                                (a, b) -> replies.compare(a, b, millisSince(started))));
    }

    private CompletionStage<RolloutWorker.Answered> route(QualityTask task, List<ImageTensor> images, VersionPin pin) {
        String requestId = UUID.randomUUID().toString();
        CompletionStage<RolloutWorker.AnswerOutcome> outcome = AskPattern.ask(router,
                replyTo -> new InferenceRouter.RoutePrompt(requestId, task, images, pin.getWeightVersion(), replyTo),
                timeout, system.scheduler());
        return outcome.handle((answer, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                if (failure instanceof TimeoutException || cause instanceof TimeoutException) {
                    throw new GrpcServiceException(Status.DEADLINE_EXCEEDED
                            .withDescription("scoring did not finish within " + timeout.toMillis() + " ms"));
                }
                throw new GrpcServiceException(Status.INTERNAL.withDescription("routing failed: " + cause));
            }
            return answer.answeredOrThrow(
                    failed -> new GrpcServiceException(statusOf(failed.kind()).withDescription(failed.reason())));
        });
    }

    private static Status statusOf(RolloutWorker.FailureKind kind) {
        switch (kind) {
            case OVERLOADED:
                return Status.RESOURCE_EXHAUSTED;
            case PINNED_VERSION_UNAVAILABLE:
                return Status.FAILED_PRECONDITION;
            case PINNED_VERSION_NEVER_PRODUCED:
                return Status.INVALID_ARGUMENT;
            case TIMEOUT:
                return Status.DEADLINE_EXCEEDED;
            case WORKER_ERROR:
                return Status.INTERNAL;
            default:
                return Status.UNAVAILABLE;
        }
    }

    private static QualityTask scoringTask(String requested) {
        String id = requested.isEmpty() ? QualityTask.SCORE.id() : requested;
        return QualityTask.fromId(id)
                .filter(task -> task == QualityTask.SCORE || task == QualityTask.SCORE_NUMBER)
                .orElseThrow(() -> new GrpcServiceException(Status.INVALID_ARGUMENT.withDescription(
                        "unknown task '" + requested + "': Score accepts 'score' or 'score-number'")));
    }

    private static void requireImage(int encodedBytes, String field) {
        if (encodedBytes == 0) {
            throw new GrpcServiceException(
                    Status.INVALID_ARGUMENT.withDescription(field + ": image bytes are empty"));
        }
    }

    /** Versions count up from 0 (the initial weights); 0 or an absent pin means the newest. */
    private static void requireValidPin(VersionPin pin) {
        if (pin.getWeightVersion() < 0) {
            throw new GrpcServiceException(Status.INVALID_ARGUMENT.withDescription("pin.weight_version "
                    + pin.getWeightVersion() + " is negative: pin a published weight version (1 or higher), "
                    + "or leave it 0 for the newest"));
        }
    }

    private static double millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }
}
