package visq.tests;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import visq.actors.cluster.NodeGuardian;

/** Starts real cluster nodes on 127.0.0.1 inside the test JVM, configured like deploy/conf/multi-node.conf. */
final class TestClusters {
    private TestClusters() {}

    /** The shared data folder Surefire points at (../shared beside the repository). */
    static Path sharedDirectory() {
        return Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** A small, fast training run for tests, with its data and checkpoints under {@code workDir}. */
    static Config smallRun(Path workDir, Map<String, Object> overrides) {
        Config base = ConfigFactory.parseMap(Map.of(
                "visq.data.shared-dir", sharedDirectory().toString(),
                "visq.data.work-dir", workDir.resolve("data").toString(),
                "visq.data.kodak-sources", 4,
                "visq.data.clive-images", 16,
                "visq.learner.checkpoint-dir", workDir.resolve("checkpoints").toString(),
                "visq.training.cold-start-steps", 4,
                "visq.training.grpo-steps", 2,
                "visq.training.cold-start-batch", 8,
                "visq.training.prompts-per-step", 2));
        Config sampling = ConfigFactory.parseString(
                "visq.training.group-size = 4\nvisq.training.sampling.max-new-tokens = 48\n"
                        + "visq.data.crops-per-source = 1\nvisq.model.view-size = 32\n"
                        + "visq.router.max-new-tokens = 48\nakka.loglevel = WARNING\n"
                        + "akka.cluster.jmx.multi-mbeans-in-same-jvm = on");
        return ConfigFactory.parseMap(overrides).withFallback(base).withFallback(sampling)
                .withFallback(ConfigFactory.parseResources("application.conf"))
                .withFallback(ConfigFactory.defaultReference());
    }

    /** A node with {@code roles} on {@code port}, joining the seed on {@code seedPort}. */
    static ActorSystem<Void> startNode(Config run, String roles, int port, int seedPort, int grpcPort) {
        Config node = ConfigFactory.parseString(String.format(
                "akka.remote.artery.canonical.port = %d%n"
                        + "akka.remote.artery.canonical.hostname = \"127.0.0.1\"%n"
                        + "akka.cluster.roles = [%s]%n"
                        + "akka.cluster.seed-nodes = [\"akka://visq@127.0.0.1:%d\"]%n"
                        + "visq.grpc.port = %d%n",
                port, roles, seedPort, grpcPort));
        Config config = node.withFallback(run).resolve();
        return ActorSystem.create(NodeGuardian.create(config), "visq", config);
    }
}
