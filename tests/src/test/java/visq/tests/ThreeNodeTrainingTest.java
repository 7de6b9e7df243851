package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import visq.actors.cluster.ModelSettings;
import visq.actors.learner.CheckpointWriter;
import visq.actors.router.ServingSampling;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;

import visq.gpu.model.EncodedWeights;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModels;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.AdminServiceClient;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/**
 * A real cluster of separate nodes in one JVM (learner, router and two rollout nodes talking Artery TCP on
 * 127.0.0.1)
 * trains a few steps; a real gRPC client on 127.0.0.1 sees the served weight version increase, gets
 * INVALID_ARGUMENT for bad input while the cluster keeps serving, and the weights that travelled to the
 * rollout node in chunks reproduce, bit for bit, what the checkpointed weights produce locally.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeNodeTrainingTest {
    private static final int COLD_START_STEPS = 4;
    private static final int GRPO_STEPS = 2;
    private static final String TOKEN = "test-token-3f9c";
    private static final Path CLIVE_IMAGE = TestClusters.sharedDirectory().resolve("data/clive/images/100.png");
    private static final Path KODAK_IMAGE = TestClusters.sharedDirectory().resolve("data/kodak/kodim01.png");

    private Path workDir;

    private Config run;
    private ActorSystem<Void> learnerNode;
    private ActorSystem<Void> rolloutNode;
    private ActorSystem<Void> secondRolloutNode;
    private ActorSystem<Void> routerNode;
    private ActorSystem<Void> client;
    private ScoringServiceClient scoring;
    private AdminServiceClient admin;
    private long versionBeforeTraining;

    @BeforeAll
    void startCluster() throws Exception {
        workDir = Files.createTempDirectory("visq-three-node");
        run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", COLD_START_STEPS,
                "visq.training.grpo-steps", GRPO_STEPS,
                // 500x500 CLIVE images pass; the 768x512 Kodak image is over the limit
                "visq.router.max-pixels", 300_000,
                "visq.grpc.bearer-token", TOKEN));
        int seedPort = TestClusters.freePort();
        int grpcPort = TestClusters.freePort();
        // The router node starts first, so a score can be taken before training moves the weights.
        // Training waits for two workers, so a first score is taken from the initial weights (version 0) before
        // the second rollout node joins and training starts.
        learnerNode = TestClusters.startNode(run.withValue("visq.training.min-workers",
                com.typesafe.config.ConfigValueFactory.fromAnyRef(2)), "\"learner\"", seedPort, seedPort, 0);
        routerNode = TestClusters.startNode(run, "\"router\"", TestClusters.freePort(), seedPort, grpcPort);
        client = TestClusters.startClient("test-client");
        GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt("127.0.0.1", grpcPort, client)
                .withTls(false).withDeadline(Duration.ofSeconds(60));
        scoring = ScoringServiceClient.create(settings, client);
        admin = AdminServiceClient.create(settings, client);
        rolloutNode = TestClusters.startNode(run, "\"rollout\"", TestClusters.freePort(), seedPort, 0);
        versionBeforeTraining = firstServedVersion();
        secondRolloutNode = TestClusters.startNode(run, "\"rollout\"", TestClusters.freePort(), seedPort, 0);
        awaitTrainingDone();
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (ActorSystem<?> system : java.util.Arrays.asList(client, routerNode, secondRolloutNode, rolloutNode,
                learnerNode)) {
            if (system != null) {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void servedWeightVersionIncreasesWithTraining() throws Exception {
        ScoreReply after = score(request(CLIVE_IMAGE, "score"));
        // COLD_START_STEPS + GRPO_STEPS updates, each publishing one version (Learner.publishNewVersion)
        assertEquals(COLD_START_STEPS + GRPO_STEPS, after.getServedBy().getWeightVersion());
        assertEquals(0, versionBeforeTraining, "the first score came from the initial weights");
        assertTrue(after.getServedBy().getWeightVersion() > versionBeforeTraining,
                "served version " + after.getServedBy().getWeightVersion() + " not above " + versionBeforeTraining);
        StatusReply status = status();
        assertEquals(4, status.getMembersCount(), status.toString()); // learner, router, two rollout nodes
        assertEquals(COLD_START_STEPS + GRPO_STEPS, status.getWeightVersion());
    }

    @Test
    void weightsSentBetweenNodesReproduceCheckpointOutputsBitForBit() throws Exception {
        ScoreReply remote = score(request(CLIVE_IMAGE, "score"));
        EncodedWeights checkpoint = CheckpointWriter.readLatestWeights(workDir.resolve("checkpoints"));
        assertEquals(remote.getServedBy().getWeightVersion(), checkpoint.version());
        PolicyModelConfig model = ModelSettings.fromConfig(run.resolve());
        try (PolicyModel local = PolicyModels.create(model, "cpu")) {
            local.importWeights(checkpoint);
            var image = model.imagePreparation()
                    .preprocess(ImageDecoder.decode(Files.readAllBytes(CLIVE_IMAGE), ImageLimits.defaults()));
            // decoded as the router decodes: greedy, answers constrained (visq.router.sampling)
            SamplingSettings serving = ServingSampling.fromConfig(run.resolve()).sampling();
            assertTrue(serving.constrainedAnswers());
            GeneratedResponse expected = local.generate(PromptCatalogue.prompt(QualityTask.SCORE, List.of(image)), 1,
                    serving, 0L).get(0);
            assertEquals(expected.text(), remote.getRawResponse());
            assertTrue(remote.getAnswerParsed(), "a constrained answer parses: " + remote.getRawResponse());
        }
    }

    @Test
    void badInputGetsInvalidArgumentAndTheClusterKeepsServing() throws Exception {
        assertInvalid(ScoreRequest.newBuilder().setImage(ImageInput.newBuilder()).build(), "empty");
        assertInvalid(ScoreRequest.newBuilder().setImage(ImageInput.newBuilder()
                .setEncoded(ByteString.copyFromUtf8("this is not an image at all"))).build(), "format");
        assertInvalid(request(KODAK_IMAGE, "score"), "pixel");
        assertInvalid(request(CLIVE_IMAGE, "aesthetics"), "unknown task");
        byte[] png = Files.readAllBytes(CLIVE_IMAGE);
        assertInvalid(ScoreRequest.newBuilder().setImage(ImageInput.newBuilder()
                .setEncoded(ByteString.copyFrom(png, 0, png.length / 3))).build(), "png");
        ScoreReply stillServing = score(request(CLIVE_IMAGE, "score-number"));
        assertNotNull(stillServing.getServedBy().getWorker());
        assertTrue(stillServing.getServedBy().getWorker().contains("cpu"), stillServing.toString());
    }

    /** One bad request: what is sent, the status it must get, and a word its message must contain. */
    private record BadRequest(String name, ScoreRequest request, Status.Code code, String mentions) {}

    @Test
    void twentyKindsOfBadRequestsGetTheRightStatusAndTheNodesKeepServing() throws Exception {
        byte[] png = Files.readAllBytes(CLIVE_IMAGE);
        byte[] jpeg = Files.readAllBytes(TestClusters.sharedDirectory().resolve("data/clive/images/1001.JPG"));
        byte[] bmp = Files.readAllBytes(TestClusters.sharedDirectory().resolve("data/calibration/dist/I03.bmp"));
        List<BadRequest> cases = List.of(
                bad("no image field", ScoreRequest.newBuilder().build(), Status.Code.INVALID_ARGUMENT, "empty"),
                bad("empty bytes", image(new byte[0]), Status.Code.INVALID_ARGUMENT, "empty"),
                bad("one byte", image(new byte[] {1}), Status.Code.INVALID_ARGUMENT, "format"),
                bad("plain text", image("hello, world".getBytes()), Status.Code.INVALID_ARGUMENT, "format"),
                bad("GIF magic", image("GIF89a\u0001\u0000\u0001\u0000".getBytes()), Status.Code.INVALID_ARGUMENT,
                        "format"),
                bad("PDF magic", image("%PDF-1.7 1 0 obj".getBytes()), Status.Code.INVALID_ARGUMENT, "format"),
                bad("PNG signature only", image(Arrays.copyOf(png, 8)), Status.Code.INVALID_ARGUMENT, "png"),
                bad("PNG cut at 10%", image(BadImages.truncated(png, 0.1)), Status.Code.INVALID_ARGUMENT, "png"),
                bad("PNG cut at 90%", image(BadImages.truncated(png, 0.9)), Status.Code.INVALID_ARGUMENT, "png"),
                bad("JPEG cut at 50%", image(BadImages.truncated(jpeg, 0.5)), Status.Code.INVALID_ARGUMENT, "jpeg"),
                bad("JPEG SOI only", image(Arrays.copyOf(jpeg, 2)), Status.Code.INVALID_ARGUMENT, "jpeg"),
                bad("BMP cut at 30%", image(BadImages.truncated(bmp, 0.3)), Status.Code.INVALID_ARGUMENT, "bmp"),
                bad("PNG header 0x0", image(BadImages.pngHeader(0, 0)), Status.Code.INVALID_ARGUMENT, "zero"),
                bad("PNG header 100 megapixels", image(BadImages.pngHeader(10_000, 10_000)),
                        Status.Code.INVALID_ARGUMENT, "pixel"),
                bad("PNG header 1x1", image(BadImages.pngHeader(1, 1)), Status.Code.INVALID_ARGUMENT, "small"),
                bad("Kodak image over the pixel limit", request(KODAK_IMAGE, "score"), Status.Code.INVALID_ARGUMENT,
                        "pixel"),
                bad("unknown task", request(CLIVE_IMAGE, "aesthetics"), Status.Code.INVALID_ARGUMENT, "unknown task"),
                bad("degradation task on Score", request(CLIVE_IMAGE, "degradation"), Status.Code.INVALID_ARGUMENT,
                        "unknown task"),
                bad("random bytes", image(new java.util.Random(5).ints(4096, 0, 256)
                        .collect(ByteArrayOutputStream::new, ByteArrayOutputStream::write, (a, b) -> { }).toByteArray()),
                        Status.Code.INVALID_ARGUMENT, "format"),
                bad("pinned version nobody holds any more", request(CLIVE_IMAGE, "score").toBuilder()
                        .setPin(visq.protocol.api.VersionPin.newBuilder().setWeightVersion(1)).build(),
                        Status.Code.FAILED_PRECONDITION, "pinned"),
                bad("pinned version never produced", request(CLIVE_IMAGE, "score").toBuilder()
                        .setPin(visq.protocol.api.VersionPin.newBuilder().setWeightVersion(999)).build(),
                        Status.Code.INVALID_ARGUMENT, "newer than any weight version this cluster has produced"),
                bad("image over the byte limit", image(new byte[16 * 1024 * 1024 + 100]), Status.Code.INVALID_ARGUMENT,
                        "over the limit"),
                bad("message over the transport limit", image(new byte[30 * 1024 * 1024]),
                        Status.Code.RESOURCE_EXHAUSTED, "larger than the limit"));
        for (BadRequest bad : cases) {
            StatusRuntimeException status = failure(bad.request());
            assertEquals(bad.code(), status.getStatus().getCode(), bad.name() + ": " + status);
            String description = String.valueOf(status.getStatus().getDescription()).toLowerCase();
            assertTrue(description.contains(bad.mentions()), bad.name() + ": '" + description + "' should mention '"
                    + bad.mentions() + "'");
        }
        assertEquals(COLD_START_STEPS + GRPO_STEPS, score(request(CLIVE_IMAGE, "score")).getServedBy().getWeightVersion(),
                "still serving after " + cases.size() + " bad requests");
    }

    @Test
    void fuzzedImageBytesOnlyEverGetInvalidArgument() throws Exception {
        byte[] png = Files.readAllBytes(CLIVE_IMAGE);
        java.util.Random random = new java.util.Random(2026);
        for (int i = 0; i < 60; i++) {
            byte[] mutated = Arrays.copyOf(png, 64 + random.nextInt(png.length - 64));
            for (int flips = 0; flips < 8; flips++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            try {
                ScoreReply reply = score(image(mutated));
                assertTrue(reply.hasServedBy(), "a mutated file that still decodes is scored");
            } catch (ExecutionException e) {
                StatusRuntimeException status = (StatusRuntimeException) e.getCause();
                assertEquals(Status.Code.INVALID_ARGUMENT, status.getStatus().getCode(), "case " + i + ": " + status);
            }
        }
        assertEquals(COLD_START_STEPS + GRPO_STEPS, score(request(CLIVE_IMAGE, "score")).getServedBy().getWeightVersion());
    }

    private static BadRequest bad(String name, ScoreRequest request, Status.Code code, String mentions) {
        return new BadRequest(name, request, code, mentions);
    }

    private static ScoreRequest image(byte[] bytes) {
        return ScoreRequest.newBuilder().setImage(ImageInput.newBuilder().setEncoded(ByteString.copyFrom(bytes))).build();
    }

    private StatusRuntimeException failure(ScoreRequest request) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> score(request));
        return (StatusRuntimeException) failure.getCause();
    }

    private void assertInvalid(ScoreRequest request, String messageMentions) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> score(request));
        StatusRuntimeException status = (StatusRuntimeException) failure.getCause();
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getStatus().getCode(), status.toString());
        assertTrue(status.getStatus().getDescription().toLowerCase().contains(messageMentions),
                "message '" + status.getStatus().getDescription() + "' should mention '" + messageMentions + "'");
    }

    private long firstServedVersion() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                return score(request(CLIVE_IMAGE, "score")).getServedBy().getWeightVersion();
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200); // no worker registered with the router yet (UNAVAILABLE)
            }
        }
    }

    private void awaitTrainingDone() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        StatusReply status = status();
        while (!(status.getPhase().equals("DONE") && status.getWeightVersion() == COLD_START_STEPS + GRPO_STEPS)) {
            assertTrue(System.nanoTime() < deadline, "training did not finish: " + status);
            assertTrue(!status.getPhase().equals("FAILED"), "training failed: " + status);
            Thread.sleep(250);
            status = status();
        }
    }

    private ScoreReply score(ScoreRequest request) throws Exception {
        return scoring.score().addHeader("authorization", "Bearer " + TOKEN).invoke(request).toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    private StatusReply status() throws Exception {
        return admin.status().addHeader("authorization", "Bearer " + TOKEN).invoke(StatusRequest.getDefaultInstance())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void callsWithoutTheBearerTokenAreUnauthenticated() throws Exception {
        for (String header : List.of("", "Bearer wrong-token", "Basic dXNlcjpwdw==")) {
            var call = header.isEmpty() ? scoring.score() : scoring.score().addHeader("authorization", header);
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> call.invoke(request(CLIVE_IMAGE, "score")).toCompletableFuture().get(30, TimeUnit.SECONDS));
            StatusRuntimeException status = (StatusRuntimeException) failure.getCause();
            assertEquals(Status.Code.UNAUTHENTICATED, status.getStatus().getCode(), header);
        }
        ExecutionException adminFailure = assertThrows(ExecutionException.class, () -> admin.status()
                .invoke(StatusRequest.getDefaultInstance()).toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(Status.Code.UNAUTHENTICATED,
                ((StatusRuntimeException) adminFailure.getCause()).getStatus().getCode());
        assertEquals(COLD_START_STEPS + GRPO_STEPS, score(request(CLIVE_IMAGE, "score")).getServedBy().getWeightVersion());
    }

    private static ScoreRequest request(Path image, String task) throws Exception {
        return ScoreRequest.newBuilder()
                .setImage(ImageInput.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(image))))
                .setTask(task)
                .build();
    }
}
