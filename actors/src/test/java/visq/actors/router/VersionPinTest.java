package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.grpc.GrpcClientSettings;
import akka.http.javadsl.ServerBinding;
import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.ModelSettings;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.coordinator.TrainingProgress;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.image.ImageLimits;
import visq.protocol.api.CompareRequest;
import visq.protocol.api.DegradationRequest;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;
import visq.protocol.api.VersionPin;

/**
 * A negative weight-version pin, or one beyond the newest version the cluster has produced, is refused with
 * INVALID_ARGUMENT naming the value, over a real gRPC round trip on 127.0.0.1, and never reaches a worker; a produced
 * version no worker holds is still FAILED_PRECONDITION, and pin 0 still means the newest. The worker and the training
 * coordinator are test probes (their models are not what is tested); the endpoint, router, intake and client are the
 * real ones.
 */
class VersionPinTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static TestProbe<RolloutWorker.Command> worker;
    private static ScoringServiceClient client;

    @BeforeAll
    static void startEndpoint() throws Exception {
        worker = TEST_KIT.createTestProbe();
        TestProbe<Receptionist.Registered> registered = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.register(RolloutWorker.KEY, worker.getRef(),
                registered.getRef()));
        registered.receiveMessage();
        ActorRef<InferenceRouter.Command> router = TEST_KIT.spawn(InferenceRouter.create(
                new InferenceRouter.Settings(Duration.ofSeconds(10), 16, 8)));
        router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), "w", 2));
        ImageIntake intake = new ImageIntake(ImageLimits.defaults(),
                ModelSettings.fromConfig(ConfigFactory.load()).imagePreparation(), ForkJoinPool.commonPool());
        ScoringServiceImpl scoring = new ScoringServiceImpl(TEST_KIT.system(), router, intake, new AnswerReplies(),
                Duration.ofSeconds(10));
        ServerBinding binding = GrpcEndpoint.bind(TEST_KIT.system(),
                        new GrpcEndpoint.Settings("127.0.0.1", 0, "", 1 << 20, TlsSettings.disabled(), Duration.ZERO),
                        scoring, new AdminServiceImpl(TEST_KIT.system(), router, Duration.ofSeconds(5)),
                        new ServingHealth(akka.stream.Materializer.matFromSystem(TEST_KIT.system())),
                        ServingMetrics.none())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        client = ScoringServiceClient.create(GrpcClientSettings
                .connectToServiceAt("127.0.0.1", binding.localAddress().getPort(), TEST_KIT.system())
                .withTls(false).withDeadline(Duration.ofSeconds(20)), TEST_KIT.system());
    }

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    private static ImageInput png() throws Exception {
        BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | (x + y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return ImageInput.newBuilder().setEncoded(ByteString.copyFrom(out.toByteArray())).build();
    }

    private static Status refusal(CompletionStage<?> call) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> call.toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StatusRuntimeException, String.valueOf(e.getCause()));
        return ((StatusRuntimeException) e.getCause()).getStatus();
    }

    @Test
    void aNegativePinIsRefusedNamingTheValueOnEveryRpc() throws Exception {
        VersionPin negative = VersionPin.newBuilder().setWeightVersion(-3).build();
        ImageInput image = png();
        Status score = refusal(client.score(ScoreRequest.newBuilder().setImage(image).setPin(negative).build()));
        Status degradation = refusal(client.degradation(
                DegradationRequest.newBuilder().setImage(image).setPin(negative).build()));
        Status compare = refusal(client.compare(
                CompareRequest.newBuilder().setImageA(image).setImageB(image).setPin(negative).build()));
        for (Status status : new Status[] {score, degradation, compare}) {
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
            assertTrue(status.getDescription().contains("pin.weight_version -3 is negative"), status.getDescription());
        }
        worker.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void aPinBeyondTheNewestProducedVersionIsInvalidAndAnOlderOneUnavailable() throws Exception {
        ImageInput image = png();
        Status absurd = refusal(client.score(ScoreRequest.newBuilder().setImage(image)
                .setPin(VersionPin.newBuilder().setWeightVersion(1L << 40)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, absurd.getCode(), absurd.toString());
        assertTrue(absurd.getDescription().contains("pin.weight_version " + (1L << 40) + " is newer than any weight"
                + " version this cluster has produced"), absurd.getDescription());
        Status notHeld = refusal(client.degradation(DegradationRequest.newBuilder().setImage(image)
                .setPin(VersionPin.newBuilder().setWeightVersion(1)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, notHeld.getCode(), "version 1 was produced: " + notHeld);
        worker.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void theNewestProducedVersionIncludesWhatTheCoordinatorReportsBeforeAnyWorkerHoldsIt() throws Exception {
        TestProbe<TrainingCoordinator.Command> coordinator = TEST_KIT.createTestProbe();
        TEST_KIT.system().receptionist().tell(Receptionist.register(TrainingCoordinator.KEY, coordinator.getRef()));
        TrainingCoordinator.SubscribeProgress subscribe =
                coordinator.expectMessageClass(TrainingCoordinator.SubscribeProgress.class, Duration.ofSeconds(10));
        TrainingProgress progress = TrainingProgress.start(0, 10)
                .updated(new TrainingProgress.Resumed(5, 5)); // the learner is at version 5, the worker at 2
        subscribe.subscriber().tell(progress);
        ImageInput image = png();
        coordinator.awaitAssert(Duration.ofSeconds(10), () -> {
            Status published = refusal(client.score(ScoreRequest.newBuilder().setImage(image)
                    .setPin(VersionPin.newBuilder().setWeightVersion(5)).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, published.getCode(), "produced, not held yet: " + published);
            return null;
        });
        Status beyond = refusal(client.score(ScoreRequest.newBuilder().setImage(image)
                .setPin(VersionPin.newBuilder().setWeightVersion(6)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, beyond.getCode(), beyond.toString());
        assertTrue(beyond.getDescription().contains("(newest: 5)"), beyond.getDescription());
        worker.expectNoMessage(Duration.ofMillis(200));
    }

    @Test
    void pinZeroIsServedByTheNewestVersion() throws Exception {
        CompletionStage<ScoreReply> reply = client.score(ScoreRequest.newBuilder().setImage(png())
                .setPin(VersionPin.newBuilder().setWeightVersion(0)).build());
        RolloutWorker.AnswerPrompt asked = worker.expectMessageClass(RolloutWorker.AnswerPrompt.class,
                Duration.ofSeconds(20));
        asked.replyTo().tell(new RolloutWorker.Answered(asked.requestId(),
                "<think>clean</think><answer>4</answer>", 2, "w", "m"));
        assertEquals(2, reply.toCompletableFuture().get(20, TimeUnit.SECONDS).getServedBy().getWeightVersion());
    }

    @Test
    void theRouterRefusesANegativePinItself() {
        assertThrows(IllegalArgumentException.class, () -> new InferenceRouter.RoutePrompt("r", null,
                java.util.List.of(), -1, null));
    }
}
