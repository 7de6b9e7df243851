package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * Shutting a serving node down (coordinated shutdown, as on SIGTERM) first stops accepting connections, then
 * finishes the requests it already accepted: every request in flight when the shutdown starts is answered.
 */
class GracefulShutdownTest {

    @Test
    void acceptedRequestsAreAnsweredDuringShutdown() throws Exception {
        Path workDir = Files.createTempDirectory("visq-shutdown");
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", 0,
                "visq.training.grpo-steps", 0,
                "visq.router.max-batch-size", 1));
        int port = TestClusters.freePort();
        int grpcPort = TestClusters.freePort();
        ActorSystem<Void> node = TestClusters.startNode(run, "\"learner\", \"rollout\", \"router\"", port, port,
                grpcPort);
        ActorSystem<Void> client = TestClusters.startClient("shutdown-client");
        try {
            ScoringServiceClient scoring = ScoringServiceClient.create(GrpcClientSettings
                    .connectToServiceAt("127.0.0.1", grpcPort, client).withTls(false)
                    .withDeadline(Duration.ofSeconds(60)), client);
            ScoreRequest request = ScoreRequest.newBuilder().setImage(ImageInput.newBuilder().setEncoded(
                    ByteString.copyFrom(Files.readAllBytes(
                            TestClusters.sharedDirectory().resolve("data/clive/images/100.png"))))).build();
            awaitServing(scoring, request);
            List<CompletableFuture<ScoreReply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                inFlight.add(scoring.score(request).toCompletableFuture());
            }
            Thread.sleep(100); // the requests have reached the server; one worker answers them one by one
            CompletableFuture<?> shutdown = CoordinatedShutdown.get(node)
                    .runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture();
            int answered = 0;
            for (CompletableFuture<ScoreReply> reply : inFlight) {
                assertTrue(reply.get(60, TimeUnit.SECONDS).hasServedBy());
                answered++;
            }
            assertEquals(6, answered, "every accepted request answered");
            shutdown.get(60, TimeUnit.SECONDS);
            scoring.close();
        } finally {
            client.terminate();
            node.terminate();
            node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitServing(ScoringServiceClient scoring, ScoreRequest request) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                scoring.score(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                assertTrue(System.nanoTime() < deadline, "node never served: " + e.getCause());
                Thread.sleep(200);
            }
        }
    }
}
