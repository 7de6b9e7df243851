package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * Two router nodes serve one rollout worker while a client scores steadily through each. One router node is stopped
 * (coordinated shutdown, as on SIGTERM) and started again on the same gRPC port: the client of the other router sees
 * only successes throughout; the client of the stopped one sees each request answered or refused with UNAVAILABLE,
 * none hanging, and successes again once the node is back.
 */
class RouterNodeRestartTest {
    private static final long WAIT_SECONDS = 30;

    @Test
    void stoppingOneOfTwoRoutersUnderLoadFailsNothingOnTheOther() throws Exception {
        Path workDir = Files.createTempDirectory("visq-router-restart");
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", 0,
                "visq.training.grpo-steps", 0,
                "visq.router.max-batch-size", 1,
                "visq.metrics.enabled", false));
        int seedPort = TestClusters.freePort();
        int stayingPort = TestClusters.freePort();
        int restartedPort = TestClusters.freePort();
        ActorSystem<Void> worker = TestClusters.startNode(run, "\"learner\", \"rollout\"", seedPort, seedPort, 0);
        ActorSystem<Void> staying = TestClusters.startNode(run, "\"router\"", TestClusters.freePort(), seedPort,
                stayingPort);
        ActorSystem<Void> restarted = TestClusters.startNode(run, "\"router\"", TestClusters.freePort(), seedPort,
                restartedPort);
        ActorSystem<Void> clients = TestClusters.startClient("router-restart-clients");
        ScoreRequest request = ScoreRequest.newBuilder().setImage(ImageInput.newBuilder().setEncoded(ByteString.copyFrom(
                Files.readAllBytes(TestClusters.sharedDirectory().resolve("data/clive/images/100.png"))))).build();
        try (SteadyClient toStaying = new SteadyClient("to-staying-router", client(clients, stayingPort), request,
                    WAIT_SECONDS);
                SteadyClient toRestarted = new SteadyClient("to-restarted-router", client(clients, restartedPort),
                        request, WAIT_SECONDS)) {
            long started = System.nanoTime();
            CheckpointFiles.await(Duration.ofSeconds(90), "both routers serving",
                    () -> toStaying.succeededSince(started) >= 3 && toRestarted.succeededSince(started) >= 3);
            long serving = Math.max(toStaying.lastOutcomeNanos(), toRestarted.lastOutcomeNanos());

            long stopped = System.nanoTime();
            TestClusters.stop(restarted);
            CheckpointFiles.await(Duration.ofSeconds(60), "the other router serving while one is down",
                    () -> toStaying.succeededSince(stopped) >= 3);
            restarted = TestClusters.startNode(run, "\"router\"", TestClusters.freePort(), seedPort, restartedPort);
            long back = System.nanoTime();
            CheckpointFiles.await(Duration.ofSeconds(90), "the restarted router serving again",
                    () -> toRestarted.succeededSince(back) >= 3);
            CheckpointFiles.await(Duration.ofSeconds(60), "the other router still serving",
                    () -> toStaying.succeededSince(back) >= 3);

            // from the moment both served (before it, a node still starting refuses with UNAVAILABLE)
            List<SteadyClient.Outcome> other = toStaying.outcomesSince(serving);
            Set<String> otherResults = other.stream().map(SteadyClient.Outcome::result).collect(Collectors.toSet());
            assertEquals(Set.of("OK"), otherResults, "the other router's client saw only successes");
            List<SteadyClient.Outcome> own = toRestarted.outcomesSince(serving);
            Set<String> ownResults = own.stream().map(SteadyClient.Outcome::result).collect(Collectors.toSet());
            assertTrue(Set.of("OK", "UNAVAILABLE").containsAll(ownResults),
                    "the stopped router's requests were answered or UNAVAILABLE, none hung: " + ownResults);
            long refused = own.stream().filter(o -> o.result().equals("UNAVAILABLE")).count();
            System.out.printf("router restart under load: the other router answered %d of %d; the restarted one %d"
                    + " answered, %d UNAVAILABLE while down, serving again %.1f s after its restart%n",
                    other.size(), other.size(), own.size() - refused, refused,
                    (own.stream().filter(o -> o.result().equals("OK") && o.endedNanos() > back).findFirst()
                            .orElseThrow().endedNanos() - back) / 1e9);
        } finally {
            clients.terminate();
            for (ActorSystem<?> system : List.of(restarted, staying, worker)) {
                TestClusters.stop(system);
            }
        }
    }

    private static ScoringServiceClient client(ActorSystem<?> clients, int port) {
        return ScoringServiceClient.create(GrpcClientSettings.connectToServiceAt("127.0.0.1", port, clients)
                .withTls(false).withDeadline(Duration.ofSeconds(WAIT_SECONDS - 5)), clients);
    }
}
