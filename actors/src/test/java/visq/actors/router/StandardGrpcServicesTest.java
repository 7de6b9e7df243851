package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import akka.http.javadsl.ServerBinding;
import akka.stream.Materializer;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import com.typesafe.config.ConfigFactory;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.image.ImageLimits;
import visq.protocol.health.HealthCheckRequest;
import visq.protocol.health.HealthCheckResponse;
import visq.protocol.health.HealthCheckResponse.ServingStatus;
import visq.protocol.reflection.ServerReflectionRequest;
import visq.protocol.reflection.ServerReflectionResponse;

/**
 * The standard gRPC services of a router node, asked by a plain grpc-java client (no Akka, no Visq client code) over
 * 127.0.0.1 against a real endpoint on port 0 with a bearer token configured: {@code grpc.health.v1.Health} follows
 * the workers that hold weights and a coordinated shutdown, without credentials; server reflection v1 and v1alpha
 * list the services and describe them from descriptors alone, behind the token. The worker is a test probe (its
 * model is not what is tested).
 */
class StandardGrpcServicesTest {
    private static final String TOKEN = "reflection-token-7d1e";
    private static final String SCORING = "visq.api.v1.ScoringService";
    private static final String ADMIN = "visq.api.v1.AdminService";
    private static final String HEALTH = "grpc.health.v1.Health";
    private static final String REFLECTION_V1 = "grpc.reflection.v1.ServerReflection";
    private static final String REFLECTION_V1ALPHA = "grpc.reflection.v1alpha.ServerReflection";
    private static final Duration GRACE = Duration.ofMillis(1500);

    private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK =
            method(HEALTH + "/Check", MethodDescriptor.MethodType.UNARY,
                    HealthCheckRequest.getDefaultInstance(), HealthCheckResponse.getDefaultInstance());
    private static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> WATCH =
            method(HEALTH + "/Watch", MethodDescriptor.MethodType.SERVER_STREAMING,
                    HealthCheckRequest.getDefaultInstance(), HealthCheckResponse.getDefaultInstance());

    private ActorTestKit testKit;
    private ActorRef<InferenceRouter.Command> router;
    private ManagedChannel channel;
    private long maxRequestBytes = 64 * 1024;

    @BeforeEach
    void startNode() throws Exception {
        // a short idle timeout, with pings more often, as reference.conf has them at a larger scale
        testKit = ActorTestKit.create(ConfigFactory.parseString("akka.http.server.idle-timeout = 2s\n"
                + "akka.http.server.http2.ping-interval = 500ms").withFallback(ConfigFactory.load()));
        router = testKit.spawn(InferenceRouter.create(new InferenceRouter.Settings(Duration.ofSeconds(10), 16, 8)));
        ServingHealth health = new ServingHealth(Materializer.matFromSystem(testKit.system()));
        health.addToCoordinatedShutdown(testKit.system(), GRACE);
        router.tell(new InferenceRouter.SubscribeServingState(testKit.spawn(ServingHealth.feed(health))));
        ImageIntake intake = new ImageIntake(ImageLimits.defaults(), image -> {
            throw new IllegalStateException("no image is scored here");
        }, Runnable::run);
        ServerBinding binding = GrpcEndpoint.bind(testKit.system(),
                        new GrpcEndpoint.Settings("127.0.0.1", 0, TOKEN, maxRequestBytes, TlsSettings.disabled(),
                                GRACE),
                        new ScoringServiceImpl(testKit.system(), router, intake, new AnswerReplies(),
                                Duration.ofSeconds(10)),
                        new AdminServiceImpl(testKit.system(), router, Duration.ofSeconds(5)), health,
                        ServingMetrics.none())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        binding.addToCoordinatedShutdown(Duration.ofSeconds(5), testKit.system());
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", binding.localAddress().getPort())
                .usePlaintext().build();
    }

    @AfterEach
    void stopNode() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        testKit.shutdownTestKit();
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(String fullName,
            MethodDescriptor.MethodType type, Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder().setType(type).setFullMethodName(fullName)
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response)).build();
    }

    /**
     * One call on the channel through grpc-java's plain {@link ClientCall} API: messages and the closing status arrive
     * in a queue, in order.
     */
    private final class PlainCall<Q, R> {
        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final ClientCall<Q, R> call;

        PlainCall(MethodDescriptor<Q, R> method, String token) {
            Metadata headers = new Metadata();
            if (token != null) {
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            }
            call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(R message) {
                    received.add(message);
                    call.request(1);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    received.add(status);
                }
            }, headers);
            call.request(1);
        }

        PlainCall<Q, R> send(Q message) {
            call.sendMessage(message);
            return this;
        }

        PlainCall<Q, R> halfClose() {
            call.halfClose();
            return this;
        }

        /** The next message; fails when the call ends instead. */
        @SuppressWarnings("unchecked")
        R next() throws InterruptedException {
            Object next = received.poll(20, TimeUnit.SECONDS);
            assertNotNull(next, "nothing arrived within 20 s");
            if (next instanceof Status status) {
                throw status.asRuntimeException();
            }
            return (R) next;
        }

        /** The status the call ended with; fails when a message arrives instead. */
        Status end() throws InterruptedException {
            Object next = received.poll(20, TimeUnit.SECONDS);
            assertNotNull(next, "the call did not end within 20 s");
            assertTrue(next instanceof Status, "a message arrived instead of the end: " + next);
            return (Status) next;
        }
    }

    private ServingStatus check(String service) throws InterruptedException {
        PlainCall<HealthCheckRequest, HealthCheckResponse> call = new PlainCall<>(CHECK, null)
                .send(HealthCheckRequest.newBuilder().setService(service).build()).halfClose();
        HealthCheckResponse response = call.next();
        assertEquals(Status.Code.OK, call.end().getCode());
        return response.getStatus();
    }

    private PlainCall<HealthCheckRequest, HealthCheckResponse> watch(String service) {
        return new PlainCall<>(WATCH, null).send(HealthCheckRequest.newBuilder().setService(service).build())
                .halfClose();
    }

    private TestProbe<RolloutWorker.Command> workerHolding(long version) {
        TestProbe<RolloutWorker.Command> worker = testKit.createTestProbe();
        TestProbe<Receptionist.Registered> registered = testKit.createTestProbe();
        testKit.system().receptionist().tell(Receptionist.register(RolloutWorker.KEY, worker.getRef(),
                registered.getRef()));
        registered.receiveMessage();
        router.tell(new InferenceRouter.WorkerVersionChanged(worker.getRef(), "w", version));
        return worker;
    }

    @Test
    void healthIsNotServingUntilAWorkerHoldsWeightsAndNeedsNoToken() throws Exception {
        assertEquals(ServingStatus.NOT_SERVING, check(""));
        assertEquals(ServingStatus.NOT_SERVING, check(SCORING));
        assertEquals(ServingStatus.SERVING, check(ADMIN));
        assertEquals(ServingStatus.SERVING, check(HEALTH));
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> check("visq.api.v1.Nope"));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().contains("visq.api.v1.Nope"),
                unknown.getStatus().getDescription());

        workerHolding(0); // the initial weights count: a worker that holds any version can score
        awaitStatus("", ServingStatus.SERVING);
        assertEquals(ServingStatus.SERVING, check(SCORING));
    }

    @Test
    void watchStreamsEveryChangeAndEndsWithNotServingOnShutdown() throws Exception {
        PlainCall<HealthCheckRequest, HealthCheckResponse> watch = watch(SCORING);
        PlainCall<HealthCheckRequest, HealthCheckResponse> unknown = watch("visq.api.v1.Nope");
        assertEquals(ServingStatus.SERVICE_UNKNOWN, unknown.next().getStatus());
        assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus());

        TestProbe<RolloutWorker.Command> worker = workerHolding(3);
        assertEquals(ServingStatus.SERVING, watch.next().getStatus());

        TestProbe<Receptionist.Deregistered> deregistered = testKit.createTestProbe();
        testKit.system().receptionist().tell(Receptionist.deregister(RolloutWorker.KEY, worker.getRef(),
                deregistered.getRef()));
        deregistered.receiveMessage();
        assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus(), "the only worker left");

        workerHolding(4);
        assertEquals(ServingStatus.SERVING, watch.next().getStatus());

        long shutdownStarted = System.nanoTime();
        CompletionStage<?> shutdown = CoordinatedShutdown.get(testKit.system())
                .runAll(CoordinatedShutdown.unknownReason());
        assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus(), "shutting down");
        assertEquals(Status.Code.OK, watch.end().getCode(), "the watch ends after NOT_SERVING");
        // within the grace the port still answers, and every name is NOT_SERVING
        assertEquals(ServingStatus.NOT_SERVING, check(""));
        assertEquals(ServingStatus.NOT_SERVING, check(ADMIN));
        PlainCall<HealthCheckRequest, HealthCheckResponse> late = watch("");
        assertEquals(ServingStatus.NOT_SERVING, late.next().getStatus());
        assertEquals(Status.Code.OK, late.end().getCode(), "a watch opened while shutting down ends at once");
        assertTrue(System.nanoTime() - shutdownStarted < GRACE.toNanos(), "all of this within the grace");
        shutdown.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aSilentWatchOutlivesTheIdleTimeout() throws Exception {
        PlainCall<HealthCheckRequest, HealthCheckResponse> watch = watch("");
        assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus());
        Thread.sleep(5000); // more than twice the idle timeout without a message on the stream
        workerHolding(1);
        assertEquals(ServingStatus.SERVING, watch.next().getStatus(), "the silent stream is still open");
    }

    // ---- reflection ----

    /** One reflection stream: requests are sent one at a time, each answered before the next, as grpcurl does. */
    private PlainCall<ServerReflectionRequest, ServerReflectionResponse> reflection(String service, String token) {
        return new PlainCall<>(method(service + "/ServerReflectionInfo", MethodDescriptor.MethodType.BIDI_STREAMING,
                ServerReflectionRequest.getDefaultInstance(), ServerReflectionResponse.getDefaultInstance()), token);
    }

    private static ServerReflectionResponse ask(PlainCall<ServerReflectionRequest, ServerReflectionResponse> stream,
            ServerReflectionRequest request) throws InterruptedException {
        return stream.send(request).next();
    }

    private static ServerReflectionRequest listServices() {
        return ServerReflectionRequest.newBuilder().setListServices("*").build();
    }

    private static ServerReflectionRequest symbol(String name) {
        return ServerReflectionRequest.newBuilder().setFileContainingSymbol(name).build();
    }

    /** The files of a file_descriptor_response, built into descriptors as grpcurl does (dependencies first). */
    private static Map<String, FileDescriptor> build(List<ServerReflectionResponse> responses) throws Exception {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        for (ServerReflectionResponse response : responses) {
            assertTrue(response.hasFileDescriptorResponse(), response.toString());
            for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
                protos.put(proto.getName(), proto);
            }
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        for (String name : protos.keySet()) {
            buildFile(name, protos, built);
        }
        return built;
    }

    private static FileDescriptor buildFile(String name, Map<String, FileDescriptorProto> protos,
            Map<String, FileDescriptor> built) throws Exception {
        if (built.containsKey(name)) {
            return built.get(name);
        }
        FileDescriptorProto proto = protos.get(name);
        assertNotNull(proto, "dependency " + name + " was not sent");
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            dependencies.add(buildFile(dependency, protos, built));
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
        built.put(name, file);
        return file;
    }

    private static ServiceDescriptor service(Map<String, FileDescriptor> files, String fullName) {
        return files.values().stream().flatMap(file -> file.getServices().stream())
                .filter(service -> service.getFullName().equals(fullName)).findFirst()
                .orElseThrow(() -> new AssertionError(fullName + " not described"));
    }

    @Test
    void reflectionV1ListsAndDescribesEveryServiceFromDescriptorsAlone() throws Exception {
        var stream = reflection(REFLECTION_V1, TOKEN);
        List<String> names = ask(stream, listServices()).getListServicesResponse().getServiceList().stream()
                .map(service -> service.getName()).toList();
        assertEquals(List.of(HEALTH, REFLECTION_V1, REFLECTION_V1ALPHA, ADMIN, SCORING), names);

        // what `grpcurl describe visq.api.v1.ScoringService` and `... describe ...Score` ask, on one stream
        ServerReflectionResponse scoring = ask(stream, symbol(SCORING));
        ServerReflectionResponse method = ask(stream, symbol(SCORING + ".Score"));
        assertEquals(1, method.getFileDescriptorResponse().getFileDescriptorProtoCount(),
                "a file already sent on the stream is sent again alone, without its dependencies");
        ServiceDescriptor described = service(build(List.of(scoring)), SCORING);
        assertEquals(List.of("Score", "Degradation", "Compare"),
                described.getMethods().stream().map(m -> m.getName()).toList());
        assertNotNull(described.findMethodByName("Score").getInputType().findFieldByName("pin"));
        assertEquals(List.of("Status"), service(build(List.of(ask(stream, symbol(ADMIN)))), ADMIN)
                .getMethods().stream().map(m -> m.getName()).toList());
        assertEquals(List.of("Check", "Watch"), service(build(List.of(ask(stream, symbol(HEALTH)))), HEALTH)
                .getMethods().stream().map(m -> m.getName()).toList());

        ServerReflectionResponse nested = ask(stream, symbol("grpc.health.v1.HealthCheckResponse.ServingStatus"));
        assertEquals("grpc/health/v1/health.proto", FileDescriptorProto.parseFrom(
                nested.getFileDescriptorResponse().getFileDescriptorProto(0)).getName());
        ServerReflectionResponse byName = ask(stream, ServerReflectionRequest.newBuilder()
                .setFileByFilename("grpc/health/v1/health.proto").build());
        assertTrue(byName.hasFileDescriptorResponse(), byName.toString());

        ServerReflectionResponse missing = ask(stream, symbol("visq.api.v1.Nope"));
        assertEquals(Status.Code.NOT_FOUND.value(), missing.getErrorResponse().getErrorCode());
        assertTrue(missing.getErrorResponse().getErrorMessage().contains("visq.api.v1.Nope"));
        assertEquals(SCORING, ask(stream, symbol(SCORING)).getOriginalRequest().getFileContainingSymbol(),
                "the stream goes on after a miss");
        assertEquals(Status.Code.OK, stream.halfClose().end().getCode());
    }

    @Test
    void reflectionV1alphaListsAndDescribesTheServices() throws Exception {
        var stream = reflection(REFLECTION_V1ALPHA, TOKEN);
        List<String> names = ask(stream, listServices()).getListServicesResponse().getServiceList().stream()
                .map(service -> service.getName()).toList();
        assertTrue(names.containsAll(List.of(SCORING, ADMIN, HEALTH, REFLECTION_V1, REFLECTION_V1ALPHA)),
                names.toString());
        ServiceDescriptor described = service(build(List.of(ask(stream, symbol(SCORING)))), SCORING);
        assertEquals(3, described.getMethods().size());
        assertEquals(Status.Code.OK, stream.halfClose().end().getCode());
    }

    @Test
    void reflectionNeedsTheBearerTokenWhenOneIsConfigured() throws Exception {
        for (String service : List.of(REFLECTION_V1, REFLECTION_V1ALPHA)) {
            for (String token : new String[] {null, "wrong"}) {
                Status status = reflection(service, token).send(listServices()).end();
                assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), service + " with token " + token);
            }
        }
    }

    @Test
    void aReflectionStreamIsBoundedInTotal() throws Exception {
        String host = "h".repeat((int) maxRequestBytes);
        Status status = reflection(REFLECTION_V1, TOKEN)
                .send(ServerReflectionRequest.newBuilder().setHost(host).setListServices("*").build()).end();
        // RESOURCE_EXHAUSTED naming the limit, or CANCELLED when the server ended the stream while the client was
        // still sending the message (HTTP/2 resets it then); the stream ends either way
        assertTrue(status.getCode() == Status.Code.CANCELLED || (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                && status.getDescription().contains("limit of " + maxRequestBytes + " bytes")), status.toString());
        assertEquals(ServingStatus.NOT_SERVING, check(""), "the endpoint keeps serving");
    }

    private void awaitStatus(String service, ServingStatus expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ServingStatus now = check(service);
        while (now != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = check(service);
        }
        assertEquals(expected, now);
    }
}
