package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.GrpcBindings;
import visq.protocol.api.AdminServiceClient;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;
import visq.protocol.api.StatusRequest;
import visq.protocol.api.VersionPin;
import visq.protocol.health.HealthCheckRequest;
import visq.protocol.health.HealthCheckResponse;
import visq.protocol.health.HealthCheckResponse.ServingStatus;

/**
 * A real router + rollout node serves Prometheus metrics on {@code visq.metrics.port}: after real gRPC requests (three
 * scored, one refused as INVALID_ARGUMENT, one refused as too large, one status), a scrape over HTTP parses strictly
 * in the text format and counts exactly those requests by RPC and status, with latency histograms, the batch sizes,
 * the refusal and nothing left in flight, next to the JVM's heap and GC.
 */
class NodeMetricsTest {
    private static final Path CLIVE_IMAGE = TestClusters.sharedDirectory().resolve("data/clive/images/100.png");
    private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK = PlainGrpcCall.method(
            "grpc.health.v1.Health/Check", MethodDescriptor.MethodType.UNARY,
            HealthCheckRequest.getDefaultInstance(), HealthCheckResponse.getDefaultInstance());

    @Test
    void aScrapeOfARunningNodeCountsWhatItServed() throws Exception {
        int metricsPort = TestClusters.freePort();
        Config run = TestClusters.smallRun(Files.createTempDirectory("visq-metrics"), Map.of(
                "visq.metrics.port", metricsPort,
                "visq.grpc.max-request-size", "2 MiB"));
        int port = TestClusters.freePort();
        ActorSystem<Void> node = TestClusters.startNode(run, "\"router\", \"rollout\"", port, port, 0);
        // a local client system: it must not take a cluster port of its own
        ActorSystem<Void> client = ActorSystem.create(Behaviors.empty(), "metrics-client", ConfigFactory
                .parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
        ManagedChannel channel = null;
        try {
            int grpcPort = GrpcBindings.of(node).get(60, TimeUnit.SECONDS).localAddress().getPort();
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            awaitServing(channel);
            GrpcClientSettings settings = GrpcClientSettings.connectToServiceAt("127.0.0.1", grpcPort, client)
                    .withTls(false).withDeadline(Duration.ofSeconds(60));
            ScoringServiceClient scoring = ScoringServiceClient.create(settings, client);
            AdminServiceClient admin = AdminServiceClient.create(settings, client);

            ScoreRequest request = ScoreRequest.newBuilder().setImage(ImageInput.newBuilder()
                    .setEncoded(ByteString.copyFrom(Files.readAllBytes(CLIVE_IMAGE)))).build();
            for (int i = 0; i < 3; i++) {
                scoring.score(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            assertEquals(Status.Code.INVALID_ARGUMENT, failure(() -> scoring.score(request.toBuilder()
                    .setPin(VersionPin.newBuilder().setWeightVersion(-1)).build())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS)));
            byte[] huge = new byte[3 << 20];
            new Random(7).nextBytes(huge);
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, failure(() -> scoring.score(ScoreRequest.newBuilder()
                    .setImage(ImageInput.newBuilder().setEncoded(ByteString.copyFrom(huge))).build())
                    .toCompletableFuture().get(60, TimeUnit.SECONDS)));
            admin.status(StatusRequest.getDefaultInstance()).toCompletableFuture().get(60, TimeUnit.SECONDS);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scraped.statusCode());
            assertTrue(scraped.headers().firstValue("Content-Type").orElse("")
                    .startsWith("text/plain; version=0.0.4"), scraped.headers().toString());
            PrometheusText metrics = PrometheusText.parse(scraped.body());

            String requests = "visq_grpc_server_requests_seconds";
            assertEquals("histogram", metrics.type(requests).orElseThrow());
            assertEquals(3.0, count(metrics, requests, "Score", "OK"));
            assertEquals(1.0, count(metrics, requests, "Score", "INVALID_ARGUMENT"));
            assertEquals(1.0, count(metrics, requests, "Status", "OK"));
            assertTrue(metrics.value(requests + "_sum", Map.of("rpc", "Score", "status", "OK")).orElseThrow() > 0);
            assertEquals(3.0, metrics.value(requests + "_bucket", Map.of("rpc", "Score", "status", "OK",
                    "le", "+Inf")).orElseThrow());
            assertEquals(0.0, metrics.value("visq_grpc_server_in_flight", Map.of()).orElseThrow());
            assertEquals(1.0, metrics.value("visq_grpc_server_refusals_total",
                    Map.of("reason", "request-too-large")).orElseThrow());
            assertEquals(0.0, metrics.value("visq_grpc_server_refusals_total",
                    Map.of("reason", "in-flight-limit")).orElseThrow());
            assertEquals("histogram", metrics.type("visq_router_batch_size").orElseThrow());
            assertEquals(3.0, metrics.value("visq_router_batch_size_count", Map.of()).orElseThrow(),
                    "three requests one after another: three batches of one");
            assertEquals(3.0, metrics.value("visq_router_batch_size_sum", Map.of()).orElseThrow());

            assertTrue(metrics.samples("jvm_memory_used_bytes").stream()
                    .anyMatch(s -> s.labels().get("area").equals("heap") && s.value() > 0));
            assertTrue(metrics.type("jvm_gc_live_data_size_bytes").isPresent());
            assertTrue(metrics.type("jvm_gc_memory_allocated_bytes_total").isPresent());
            assertTrue(metrics.type("jvm_threads_live_threads").isPresent());
            // each worker counted its model's arrays when it created the model: its weights at least, so more than 0
            assertTrue(!metrics.samples("visq_rollout_live_arrays").isEmpty(), scraped.body());
            assertTrue(metrics.samples("visq_rollout_live_arrays").stream().allMatch(s -> s.value() > 0),
                    scraped.body());

            HttpResponse<String> openMetrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElse("")
                    .startsWith("application/openmetrics-text"), openMetrics.headers().toString());
            assertTrue(openMetrics.body().endsWith("# EOF\n"));
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort
                    + "/other")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            client.terminate();
            node.terminate();
            node.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private static double count(PrometheusText metrics, String family, String rpc, String status) {
        return metrics.value(family + "_count", Map.of("rpc", rpc, "status", status))
                .orElseThrow(() -> new AssertionError("no " + family + " for " + rpc + " " + status));
    }

    private interface Call {
        void run() throws Exception;
    }

    private static Status.Code failure(Call call) {
        ExecutionException e = assertThrows(ExecutionException.class, call::run);
        assertTrue(e.getCause() instanceof StatusRuntimeException, String.valueOf(e.getCause()));
        return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
    }

    private static void awaitServing(ManagedChannel channel) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            PlainGrpcCall<HealthCheckRequest, HealthCheckResponse> check = new PlainGrpcCall<>(channel, CHECK)
                    .send(HealthCheckRequest.getDefaultInstance()).halfClose();
            if (check.next(30).getStatus() == ServingStatus.SERVING) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the node never became SERVING");
            Thread.sleep(100);
        }
    }
}
