package visq.actors.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The endpoint's typed settings, read from the shipped reference.conf the way a node reads them. */
class GrpcEndpointSettingsTest {

    @Test
    void theDefaultsReadAndTheHealthGraceMustFitItsShutdownPhase() {
        GrpcEndpoint.Settings defaults = GrpcEndpoint.Settings.fromConfig(ConfigFactory.load());
        assertEquals(Duration.ZERO, defaults.shutdownGrace());
        assertEquals(Duration.ofSeconds(3), GrpcEndpoint.Settings.fromConfig(ConfigFactory
                .parseString("visq.grpc.health.shutdown-grace = 3s").withFallback(ConfigFactory.load()))
                .shutdownGrace());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> GrpcEndpoint.Settings.fromConfig(ConfigFactory.parseString("visq.grpc.health.shutdown-grace = 5s")
                        .withFallback(ConfigFactory.load())));
        assertTrue(tooLong.getMessage().contains("shutdown-grace"), tooLong.getMessage());
        assertTrue(ConfigFactory.load().getDuration("akka.http.server.http2.ping-interval").compareTo(
                ConfigFactory.load().getDuration("akka.http.server.idle-timeout")) < 0,
                "pings keep silent health watches open only when they come before the idle timeout");
        assertEquals(Duration.ofSeconds(20), GrpcEndpoint.Settings.fromConfig(ConfigFactory.parseString(
                "visq.grpc.health.shutdown-grace = 20s\n"
                        + "akka.coordinated-shutdown.phases.before-service-unbind.timeout = 30s")
                .withFallback(ConfigFactory.load())).shutdownGrace());
    }
}
