package visq.tests;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import visq.actors.cluster.NodeGuardian;
import visq.deploy.node.NodeProcess;
import visq.gpu.model.PolicyModel;

/** Starts real cluster nodes on 127.0.0.1 inside the test JVM, configured like deploy/conf/multi-node.conf. */
final class TestClusters {
    private TestClusters() {}

    /** The shared data folder Surefire points at (../shared beside the repository). */
    static Path sharedDirectory() {
        return Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();
    }

    static int freePort() {
        return NodeProcess.freePort();
    }

    /**
     * The settings of a small, fast training run for tests, with its data and checkpoints under {@code workDir}:
     * what {@link #smallRun} uses in this JVM, and what child-JVM nodes get as {@code --set key=value}.
     */
    static Map<String, Object> smallRunSettings(Path workDir) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("visq.data.shared-dir", sharedDirectory().toString());
        settings.put("visq.data.work-dir", workDir.resolve("data").toString());
        settings.put("visq.data.kodak-sources", 4);
        settings.put("visq.data.clive-images", 16);
        settings.put("visq.data.crops-per-source", 1);
        settings.put("visq.learner.checkpoint-dir", workDir.resolve("checkpoints").toString());
        settings.put("visq.training.cold-start-steps", 4);
        settings.put("visq.training.grpo-steps", 2);
        settings.put("visq.training.cold-start-batch", 8);
        settings.put("visq.training.prompts-per-step", 2);
        settings.put("visq.training.group-size", 4);
        settings.put("visq.training.sampling.max-new-tokens", 48);
        settings.put("visq.model.view-size", 32);
        // deploy/conf/light.conf's model and tasks: no MobileNetV2 pass per image, no quality prior (tests that need
        // either set them); the default datasets, so the score task meets the Kodak ranking blocks on some GRPO steps
        settings.put("visq.model.image-features", "none");
        settings.put("visq.model.quality-prior", "none");
        settings.put("visq.data.prepare-ahead-threads", 0);
        settings.put("visq.training.tasks", List.of("degradation", "score"));
        settings.put("visq.router.max-new-tokens", 48);
        settings.put("akka.loglevel", "WARNING");
        return settings;
    }

    /** A small, fast training run for tests, with its data and checkpoints under {@code workDir}. */
    static Config smallRun(Path workDir, Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides)
                .withFallback(ConfigFactory.parseMap(smallRunSettings(workDir)))
                .withFallback(ConfigFactory.parseString("akka.cluster.jmx.multi-mbeans-in-same-jvm = on"))
                .withFallback(ConfigFactory.parseResources("application.conf"))
                .withFallback(ConfigFactory.defaultReference());
    }

    /** A node with {@code roles} on {@code port}, joining the seed on {@code seedPort}. */
    static ActorSystem<Void> startNode(Config run, String roles, int port, int seedPort, int grpcPort) {
        return startNode(run, roles, port, seedPort, grpcPort, (workerId, model) -> model);
    }

    /** As {@link #startNode(Config, String, int, int, int)}, each rollout worker's model passed through {@code models}. */
    static ActorSystem<Void> startNode(Config run, String roles, int port, int seedPort, int grpcPort,
            BiFunction<String, PolicyModel, PolicyModel> models) {
        Config node = ConfigFactory.parseString(String.format(
                "akka.remote.artery.canonical.port = %d%n"
                        + "akka.remote.artery.canonical.hostname = \"127.0.0.1\"%n"
                        + "akka.cluster.roles = [%s]%n"
                        + "akka.cluster.seed-nodes = [\"akka://visq@127.0.0.1:%d\"]%n"
                        + "visq.grpc.port = %d%n",
                port, roles, seedPort, grpcPort));
        Config config = node.withFallback(run).resolve();
        return ActorSystem.create(NodeGuardian.create(config, models), "visq", config);
    }

    /** A whole training cluster in one node (learner and rollout roles), its own seed, rollout models as created. */
    static ActorSystem<Void> startTrainingNode(Config run) {
        return startTrainingNode(run, (workerId, model) -> model);
    }

    /** As {@link #startTrainingNode(Config)}, each rollout worker's model passed through {@code models}. */
    static ActorSystem<Void> startTrainingNode(Config run, BiFunction<String, PolicyModel, PolicyModel> models) {
        int port = freePort();
        return startNode(run, "\"learner\", \"rollout\"", port, port, 0, models);
    }

    /** Terminates {@code node} and waits (at most 30 s) until it has. */
    static void stop(ActorSystem<?> node) throws Exception {
        node.terminate();
        node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * An actor system for gRPC clients only: a local provider, so it binds no Artery port (the default config would
     * take 25520, which another process on the machine may hold).
     */
    static ActorSystem<Void> startClient(String name) {
        return ActorSystem.create(akka.actor.typed.javadsl.Behaviors.empty(), name,
                ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    }
}
