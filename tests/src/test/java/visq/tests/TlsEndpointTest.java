package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.grpc.GrpcClientSettings;
import com.typesafe.config.Config;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import visq.protocol.api.AdminServiceClient;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/**
 * With {@code visq.grpc.tls.enabled}, the endpoint speaks gRPC over TLS with the keystore's certificate
 * (a self-signed one made by the JDK's keytool for 127.0.0.1): a client that trusts it gets answers, a
 * plaintext client does not.
 */
class TlsEndpointTest {
    private static final String PASSWORD = "visq-test-pass";

    @Test
    void grpcOverTlsWithTheConfiguredCertificate() throws Exception {
        Path workDir = Files.createTempDirectory("visq-tls");
        Path keystore = workDir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "visq", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));

        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.grpc.tls.enabled", true,
                "visq.grpc.tls.keystore", keystore.toString(),
                "visq.grpc.tls.password", PASSWORD));
        int port = TestClusters.freePort();
        int grpcPort = TestClusters.freePort();
        ActorSystem<Void> router = TestClusters.startNode(run, "\"router\"", port, port, grpcPort);
        ActorSystem<Void> client = TestClusters.startClient("tls-client");
        try {
            GrpcClientSettings trusted = GrpcClientSettings.connectToServiceAt("127.0.0.1", grpcPort, client)
                    .withSslContext(trusting(keystore)).withDeadline(Duration.ofSeconds(20));
            AdminServiceClient admin = AdminServiceClient.create(trusted, client);
            StatusReply status = awaitStatus(admin);
            assertEquals(1, status.getMembersCount(), status.toString());

            AdminServiceClient plaintext = AdminServiceClient.create(GrpcClientSettings
                    .connectToServiceAt("127.0.0.1", grpcPort, client).withTls(false)
                    .withDeadline(Duration.ofSeconds(5)), client);
            assertThrows(ExecutionException.class, () -> plaintext.status(StatusRequest.getDefaultInstance())
                    .toCompletableFuture().get(20, TimeUnit.SECONDS), "a plaintext client must not be answered");
        } finally {
            client.terminate();
            router.terminate();
            router.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static StatusReply awaitStatus(AdminServiceClient admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return admin.status(StatusRequest.getDefaultInstance()).toCompletableFuture().get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertTrue(System.nanoTime() < deadline, "no TLS answer: " + e.getCause());
                Thread.sleep(200); // the endpoint binds asynchronously after the node starts
            }
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
