package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.grpc.GrpcServiceException;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.ModelSettings;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.image.ImageLimits;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.CompareReply;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationReply;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.VersionPin;

/**
 * The scoring service called directly, without a gRPC transport: the real image intake and reply building, with a
 * probe in the router's place answering as the router would. The ask timeout runs on {@link ManualTime}.
 */
class ScoringServiceImplTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create(ManualTime.config());
    private static final ManualTime TIME = ManualTime.get(TEST_KIT.system());
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final TestProbe<InferenceRouter.Command> ROUTER = TEST_KIT.createTestProbe();
    private static final ScoringServiceImpl SCORING = new ScoringServiceImpl(TEST_KIT.system(), ROUTER.getRef(),
            new ImageIntake(ImageLimits.defaults(),
                    ModelSettings.fromConfig(ConfigFactory.load()).imagePreparation(), ForkJoinPool.commonPool()),
            new AnswerReplies(), TIMEOUT);
    private static final ImageInput IMAGE = png();

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static ImageInput png() {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | (x + y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ImageInput.newBuilder().setEncoded(ByteString.copyFrom(out.toByteArray())).build();
    }

    private static <T> T reply(CompletionStage<T> call) throws Exception {
        return call.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Status refusal(CompletionStage<?> call) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> call.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof GrpcServiceException, String.valueOf(e.getCause()));
        return ((GrpcServiceException) e.getCause()).getStatus();
    }

    private static InferenceRouter.RoutePrompt routed() {
        return ROUTER.expectMessageClass(InferenceRouter.RoutePrompt.class, Duration.ofSeconds(10));
    }

    private static void answer(InferenceRouter.RoutePrompt prompt, String text) {
        prompt.replyTo().tell(new RolloutWorker.Answered(prompt.requestId(), text, 4, "n1/cpu#0", "visq-compact"));
    }

    @Test
    void aScoreIsRoutedAsItsTaskWithThePreparedImageAndPinAndAnsweredFromTheWorkersText() throws Exception {
        CompletionStage<ScoreReply> call = SCORING.score(ScoreRequest.newBuilder().setTask("score-number")
                .setImage(IMAGE).setPin(VersionPin.newBuilder().setWeightVersion(4)).build());
        InferenceRouter.RoutePrompt prompt = routed();
        assertEquals(QualityTask.SCORE_NUMBER, prompt.task());
        assertEquals(4, prompt.pinnedVersion());
        assertEquals(1, prompt.images().size());
        answer(prompt, "<think>\nsharp edges\n</think>\n<answer>3.5</answer>");
        ScoreReply score = reply(call);
        assertEquals(3.5, score.getScore());
        assertEquals("sharp edges", score.getRationale());
        assertTrue(score.getAnswerParsed());
        assertEquals(4, score.getServedBy().getWeightVersion());
        assertEquals("n1/cpu#0", score.getServedBy().getWorker());

        CompletionStage<ScoreReply> byDefault = SCORING.score(ScoreRequest.newBuilder().setImage(IMAGE).build());
        InferenceRouter.RoutePrompt newest = routed();
        assertEquals(QualityTask.SCORE, newest.task(), "no task: the Q-Insight score");
        assertEquals(0, newest.pinnedVersion(), "no pin: the newest version");
        answer(newest, "<answer>{\"rating\": 2}</answer>");
        assertEquals(2.0, reply(byDefault).getScore());
    }

    @Test
    void aComparisonScoresBothImagesAndADegradationQuestionNamesTheClass() throws Exception {
        CompletionStage<CompareReply> compare = SCORING.compare(CompareRequest.newBuilder().setImageA(IMAGE)
                .setImageB(IMAGE).build());
        InferenceRouter.RoutePrompt imageA = routed();
        InferenceRouter.RoutePrompt imageB = routed();
        assertEquals(QualityTask.SCORE, imageA.task());
        assertEquals(QualityTask.SCORE, imageB.task());
        answer(imageB, "<answer>{\"rating\": 2.0}</answer>"); // answers may come in any order
        answer(imageA, "<answer>{\"rating\": 4.0}</answer>");
        CompareReply compared = reply(compare);
        assertEquals(4.0, compared.getScoreA());
        assertEquals(2.0, compared.getScoreB());
        assertEquals("Image A", compared.getPreferred());

        CompletionStage<DegradationReply> degradation =
                SCORING.degradation(DegradationRequest.newBuilder().setImage(IMAGE).build());
        InferenceRouter.RoutePrompt asked = routed();
        assertEquals(QualityTask.DEGRADATION, asked.task());
        answer(asked, "<answer>{\"distortion_class\": \"noise\", \"severity\": \"slight\"}</answer>");
        DegradationReply degraded = reply(degradation);
        assertEquals("noise", degraded.getDegradation().getDistortionClass());
        assertEquals("slight", degraded.getDegradation().getSeverity());
    }

    @Test
    void badRequestsAreInvalidArgumentsNamingTheFieldAndNeverReachTheRouter() {
        Status task = refusal(SCORING.score(ScoreRequest.newBuilder().setTask("comparison").setImage(IMAGE).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, task.getCode());
        assertEquals("unknown task 'comparison': Score accepts 'score' or 'score-number'", task.getDescription());
        Status empty = refusal(SCORING.degradation(DegradationRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getCode());
        assertEquals("image: image bytes are empty", empty.getDescription());
        Status noB = refusal(SCORING.compare(CompareRequest.newBuilder().setImageA(IMAGE).build()));
        assertEquals("image_b: image bytes are empty", noB.getDescription());
        Status undecodable = refusal(SCORING.score(ScoreRequest.newBuilder().setImage(ImageInput.newBuilder()
                .setEncoded(ByteString.copyFromUtf8("not an image"))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, undecodable.getCode());
        assertTrue(undecodable.getDescription().startsWith("image: "), undecodable.getDescription());
        ROUTER.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void eachWayTheRouterFailsBecomesItsStatusWithTheRoutersReason() {
        Map<RolloutWorker.FailureKind, Status.Code> codes = Map.of(
                RolloutWorker.FailureKind.NO_WORKER, Status.Code.UNAVAILABLE,
                RolloutWorker.FailureKind.PINNED_VERSION_UNAVAILABLE, Status.Code.FAILED_PRECONDITION,
                RolloutWorker.FailureKind.OVERLOADED, Status.Code.RESOURCE_EXHAUSTED,
                RolloutWorker.FailureKind.TIMEOUT, Status.Code.DEADLINE_EXCEEDED,
                RolloutWorker.FailureKind.WORKER_ERROR, Status.Code.INTERNAL,
                RolloutWorker.FailureKind.PINNED_VERSION_NEVER_PRODUCED, Status.Code.INVALID_ARGUMENT);
        assertEquals(RolloutWorker.FailureKind.values().length, codes.size(), "every kind has its code");
        codes.forEach((kind, code) -> {
            CompletionStage<ScoreReply> call = SCORING.score(ScoreRequest.newBuilder().setImage(IMAGE).build());
            InferenceRouter.RoutePrompt prompt = routed();
            prompt.replyTo().tell(new RolloutWorker.AnswerFailed(prompt.requestId(), kind, "because " + kind));
            Status status = refusal(call);
            assertEquals(code, status.getCode(), kind.toString());
            assertEquals("because " + kind, status.getDescription());
        });
    }

    @Test
    void aRouterThatDoesNotAnswerInTimeIsADeadlineExceeded() {
        CompletionStage<ScoreReply> call = SCORING.score(ScoreRequest.newBuilder().setImage(IMAGE).build());
        routed();
        TIME.timePasses(TIMEOUT.minusMillis(1));
        assertFalse(call.toCompletableFuture().isDone(), "still waiting for the router");
        TIME.timePasses(Duration.ofMillis(1));
        Status status = refusal(call);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode());
        assertEquals("scoring did not finish within 10000 ms", status.getDescription());
    }
}
