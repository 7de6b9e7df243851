package visq.deploy.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import visq.actors.cluster.DataDirectories;
import visq.actors.coordinator.TrainingSettings;
import visq.deploy.node.NodeProcess;

/**
 * Training throughput with one versus two rollout nodes, each node a separate JVM on 127.0.0.1 (a learner node
 * plus the rollout nodes, Akka Cluster over Artery), at otherwise equal settings: the same GRPO steps, prompts,
 * group size and one device per rollout node. Reports GRPO samples per second of each and their ratio; on a
 * machine with fewer cores than JVMs the nodes share the cores, and the ratio says so.
 */
final class RolloutScaling {
    private final Config config;
    private final PrintStream out;

    RolloutScaling(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    void run(int grpoSteps) throws Exception {
        TrainingSettings training = TrainingSettings.fromConfig(config);
        double one = samplesPerSecond(1, grpoSteps, training.groupSize());
        double two = samplesPerSecond(2, grpoSteps, training.groupSize());
        out.printf(Locale.ROOT, "rollout nodes (separate JVMs, learner node apart, %d GRPO steps, %d prompts x G=%d, "
                + "synchronous): 1 node %.1f samples/s, 2 nodes %.1f samples/s, ratio %.2f on %d cores%n", grpoSteps,
                training.promptsPerStep(), training.groupSize(), one, two,
                two / one, Runtime.getRuntime().availableProcessors());
    }

    /** GRPO samples/s of a run with {@code rolloutNodes} rollout JVMs (after a 2-step cold start). */
    private double samplesPerSecond(int rolloutNodes, int grpoSteps, int groupSize) throws Exception {
        Path work = Files.createTempDirectory("visq-bench-scaling");
        DataDirectories data = DataDirectories.fromConfig(config);
        Config run = config
                .withValue("visq.training.cold-start-steps", ConfigValueFactory.fromAnyRef(2))
                .withValue("visq.training.grpo-steps", ConfigValueFactory.fromAnyRef(grpoSteps))
                .withValue("visq.training.max-staleness", ConfigValueFactory.fromAnyRef(0))
                .withValue("visq.training.min-workers", ConfigValueFactory.fromAnyRef(rolloutNodes))
                .withValue("visq.rollout.devices", ConfigValueFactory.fromIterable(List.of("cpu")))
                .withValue("visq.learner.checkpoint-dir", ConfigValueFactory.fromAnyRef(work.toString()))
                .withValue("visq.data.shared-dir", ConfigValueFactory.fromAnyRef(
                        data.shared().toAbsolutePath().toString()))
                .withValue("visq.data.work-dir", ConfigValueFactory.fromAnyRef(
                        data.work().toAbsolutePath().toString()));
        Map<String, Object> settings = Map.of("visq", run.getObject("visq"));
        int learnerPort = NodeProcess.freePort();
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            nodes.add(NodeProcess.start("learner", List.of("learner"), learnerPort, List.of(learnerPort), settings,
                    work.resolve("logs")));
            for (int i = 1; i <= rolloutNodes; i++) {
                nodes.add(NodeProcess.start("rollout-" + i, List.of("rollout"), NodeProcess.freePort(),
                        List.of(learnerPort), settings, work.resolve("logs")));
            }
            return GrpoThroughput.measure(work, 2, grpoSteps, groupSize,
                    Duration.ofMinutes(10), () -> nodes.stream().allMatch(NodeProcess::isAlive));
        } catch (IllegalStateException e) {
            nodes.forEach(node -> out.println(node.tail(20)));
            throw e;
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }
}
