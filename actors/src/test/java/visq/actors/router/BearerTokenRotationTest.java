package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.grpc.GrpcClientSettings;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.ModelSettings;
import visq.gpu.image.ImageLimits;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * Rotating the bearer token without downtime: an endpoint with a bearer token and an additional accepted token takes
 * either and refuses any other, over a real gRPC round trip on 127.0.0.1; an empty list of additional tokens leaves the
 * single token check as it was. An authenticated request here is a score request with an empty image, so it comes
 * back INVALID_ARGUMENT from the service, and an unauthenticated one UNAUTHENTICATED before it gets there.
 */
class BearerTokenRotationTest {
    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final String NEW_TOKEN = "rotated-token-5c2a";
    private static final String OLD_TOKEN = "previous-token-91f0";

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
    }

    /** A client of a fresh endpoint that accepts {@code token} and {@code additional}. */
    private static ScoringServiceClient endpoint(String token, List<String> additional) throws Exception {
        ActorRef<InferenceRouter.Command> router = TEST_KIT.spawn(InferenceRouter.create(
                new InferenceRouter.Settings(Duration.ofSeconds(10), 16, 8)));
        ImageIntake intake = new ImageIntake(ImageLimits.defaults(),
                ModelSettings.fromConfig(ConfigFactory.load()).imagePreparation(), ForkJoinPool.commonPool());
        ServerBinding binding = GrpcEndpoint.bind(TEST_KIT.system(),
                        new GrpcEndpoint.Settings("127.0.0.1", 0, token, additional, 1 << 20,
                                TlsSettings.disabled(), Duration.ZERO),
                        new ScoringServiceImpl(TEST_KIT.system(), router, intake, new AnswerReplies(),
                                Duration.ofSeconds(10)),
                        new AdminServiceImpl(TEST_KIT.system(), router, Duration.ofSeconds(5)),
                        new ServingHealth(akka.stream.Materializer.matFromSystem(TEST_KIT.system())),
                        ServingMetrics.none())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        return ScoringServiceClient.create(GrpcClientSettings
                .connectToServiceAt("127.0.0.1", binding.localAddress().getPort(), TEST_KIT.system())
                .withTls(false).withDeadline(Duration.ofSeconds(20)), TEST_KIT.system());
    }

    /** The status of a score request sent with {@code authorization} (none when null). */
    private static Status.Code scoreWith(ScoringServiceClient client, String authorization) {
        var call = client.score();
        if (authorization != null) {
            call = call.addHeader("authorization", authorization);
        }
        var reply = call.invoke(ScoreRequest.newBuilder().setImage(ImageInput.getDefaultInstance()).build());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> reply.toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StatusRuntimeException, String.valueOf(e.getCause()));
        return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
    }

    @Test
    void bothTheBearerTokenAndAnAdditionalOneAreAcceptedAndNoOther() throws Exception {
        ScoringServiceClient client = endpoint(NEW_TOKEN, List.of(OLD_TOKEN));
        assertEquals(Status.Code.INVALID_ARGUMENT, scoreWith(client, "Bearer " + NEW_TOKEN));
        assertEquals(Status.Code.INVALID_ARGUMENT, scoreWith(client, "Bearer " + OLD_TOKEN));
        for (String refused : new String[] {null, "Bearer wrong-token", "Bearer " + NEW_TOKEN + OLD_TOKEN,
                "Bearer " + OLD_TOKEN.substring(1), "Basic " + OLD_TOKEN}) {
            assertEquals(Status.Code.UNAUTHENTICATED, scoreWith(client, refused), String.valueOf(refused));
        }
    }

    @Test
    void anEmptyListOfAdditionalTokensChangesNothing() throws Exception {
        ScoringServiceClient client = endpoint(NEW_TOKEN, List.of());
        assertEquals(Status.Code.INVALID_ARGUMENT, scoreWith(client, "Bearer " + NEW_TOKEN));
        assertEquals(Status.Code.UNAUTHENTICATED, scoreWith(client, "Bearer " + OLD_TOKEN));
        assertEquals(Status.Code.UNAUTHENTICATED, scoreWith(client, null));
        BearerTokenCheck single = new BearerTokenCheck(NEW_TOKEN);
        BearerTokenCheck emptyList = new BearerTokenCheck(NEW_TOKEN, List.of());
        for (String header : new String[] {"Bearer " + NEW_TOKEN, "Bearer " + OLD_TOKEN, "Bearer "}) {
            assertEquals(single.failure(java.util.Optional.of(header)).isPresent(),
                    emptyList.failure(java.util.Optional.of(header)).isPresent(), header);
        }
    }

    @Test
    void theReferenceConfigurationAcceptsNoAdditionalToken() {
        GrpcEndpoint.Settings settings = GrpcEndpoint.Settings.fromConfig(ConfigFactory.load());
        assertEquals(List.of(), settings.additionalBearerTokens());
        GrpcEndpoint.Settings withOld = GrpcEndpoint.Settings.fromConfig(ConfigFactory.parseString(
                "visq.grpc { bearer-token = \"" + NEW_TOKEN + "\", additional-bearer-tokens = [\"" + OLD_TOKEN
                        + "\", \"\"] }").withFallback(ConfigFactory.load()));
        assertEquals(List.of(OLD_TOKEN), withOld.additionalBearerTokens());
    }

    @Test
    void additionalTokensWithoutABearerTokenAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GrpcEndpoint.Settings
                .fromConfig(ConfigFactory.parseString("visq.grpc.additional-bearer-tokens = [\"" + OLD_TOKEN + "\"]")
                        .withFallback(ConfigFactory.load())));
        assertTrue(e.getMessage().contains("visq.grpc.bearer-token is empty"), e.getMessage());
        assertFalse(new BearerTokenCheck("", List.of()).enabled());
    }
}
