package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.GrpcBindings;
import visq.protocol.health.HealthCheckRequest;
import visq.protocol.health.HealthCheckResponse;
import visq.protocol.health.HealthCheckResponse.ServingStatus;
import visq.protocol.reflection.ServerReflectionRequest;
import visq.protocol.reflection.ServerReflectionResponse;
import visq.protocol.reflection.ServiceResponse;

/**
 * A real router + rollout node (gRPC on a free port of 127.0.0.1, configured as deployments are) seen by a plain
 * grpc-java client: the health service is NOT_SERVING until the node's rollout worker holds weights and SERVING
 * after, reflection lists the services, and a stopping node reports NOT_SERVING and ends the watch cleanly within
 * {@code visq.grpc.health.shutdown-grace}.
 */
class RouterNodeHealthTest {
    private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> WATCH = PlainGrpcCall.method(
            "grpc.health.v1.Health/Watch", MethodDescriptor.MethodType.SERVER_STREAMING,
            HealthCheckRequest.getDefaultInstance(), HealthCheckResponse.getDefaultInstance());
    private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> REFLECTION =
            PlainGrpcCall.method("grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                    MethodDescriptor.MethodType.BIDI_STREAMING, ServerReflectionRequest.getDefaultInstance(),
                    ServerReflectionResponse.getDefaultInstance());

    @Test
    void healthFollowsTheWorkerAndTheShutdownOfARealNode() throws Exception {
        Config run = TestClusters.smallRun(Files.createTempDirectory("visq-health"),
                Map.of("visq.grpc.health.shutdown-grace", "1s"));
        int port = TestClusters.freePort();
        ActorSystem<Void> node = TestClusters.startNode(run, "\"router\", \"rollout\"", port, port, 0);
        ManagedChannel channel = null;
        try {
            int grpcPort = GrpcBindings.of(node).get(60, TimeUnit.SECONDS).localAddress().getPort();
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            PlainGrpcCall<HealthCheckRequest, HealthCheckResponse> watch = new PlainGrpcCall<>(channel, WATCH)
                    .send(HealthCheckRequest.getDefaultInstance()).halfClose();
            ServingStatus first = watch.next(30).getStatus();
            if (first == ServingStatus.NOT_SERVING) { // the worker had not loaded its model yet
                assertEquals(ServingStatus.SERVING, watch.next(120).getStatus());
            } else {
                assertEquals(ServingStatus.SERVING, first);
            }

            PlainGrpcCall<ServerReflectionRequest, ServerReflectionResponse> reflection =
                    new PlainGrpcCall<>(channel, REFLECTION);
            List<String> services = reflection.send(ServerReflectionRequest.newBuilder().setListServices("").build())
                    .next(30).getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName)
                    .toList();
            assertTrue(services.containsAll(List.of("visq.api.v1.ScoringService", "visq.api.v1.AdminService",
                    "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                    "grpc.reflection.v1alpha.ServerReflection")), services.toString());
            assertEquals(Status.Code.OK, reflection.halfClose().end().getCode());

            node.terminate();
            assertEquals(ServingStatus.NOT_SERVING, watch.next(30).getStatus());
            assertEquals(Status.Code.OK, watch.end().getCode(), "the watch ends cleanly within the grace");
            node.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            node.terminate();
            node.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }
}
