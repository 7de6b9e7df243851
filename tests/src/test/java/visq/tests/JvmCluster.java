package visq.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import visq.deploy.node.NodeProcess;

/**
 * The nodes of one test, each a separate JVM ({@link NodeProcess}) on 127.0.0.1, all training the same small run
 * (its checkpoints in {@code <workDir>/checkpoints}, node logs in {@code <workDir>/logs}). Waits on that run with a
 * deadline; a wait fails early when a node dies that the test did not kill, and every failure message carries the
 * tail of each node's log. Closing kills whatever still runs.
 */
final class JvmCluster implements AutoCloseable {
    private static final int TAIL_LINES = 40;

    private final Path checkpoints;
    private final Path logs;
    private final Map<String, Object> settings;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final Set<NodeProcess> expectedDown = new HashSet<>();

    /** A cluster training {@link TestClusters#smallRunSettings} under {@code workDir}, changed by {@code overrides}. */
    JvmCluster(Path workDir, Map<String, Object> overrides) {
        this.checkpoints = workDir.resolve("checkpoints");
        this.logs = workDir.resolve("logs");
        this.settings = new HashMap<>(TestClusters.smallRunSettings(workDir));
        this.settings.putAll(overrides);
    }

    /** Starts a node of the run in its own JVM; {@code extra} settings apply to this node only. */
    NodeProcess start(String name, List<String> roles, int port, List<Integer> seedPorts, Map<String, Object> extra) {
        Map<String, Object> nodeSettings = new HashMap<>(settings);
        nodeSettings.putAll(extra);
        NodeProcess node = NodeProcess.start(name, roles, port, seedPorts, nodeSettings, logs);
        nodes.add(node);
        return node;
    }

    NodeProcess start(String name, List<String> roles, int port, List<Integer> seedPorts) {
        return start(name, roles, port, seedPorts, Map.of());
    }

    /** Kills {@code node} with SIGKILL; the waits no longer expect it to run. */
    void kill(NodeProcess node) {
        expectedDown.add(node);
        node.kill();
    }

    Path checkpoints() {
        return checkpoints;
    }

    /** Waits until the run's history holds at least {@code steps} steps. */
    void awaitHistory(int steps, Duration timeout) throws Exception {
        awaitRun(timeout, "training history to reach step " + steps, () -> historySize() >= steps);
    }

    /** Waits until the newest checkpoint is the one at {@code step} (the end-of-run checkpoint at the last step). */
    void awaitCheckpoint(long step, Duration timeout) throws Exception {
        awaitRun(timeout, "checkpoint at step " + step, () -> CheckpointFiles.latestStep(checkpoints) == step);
    }

    int historySize() throws IOException {
        return CheckpointFiles.historySize(checkpoints);
    }

    /** The tail of every node's log, for failure messages. */
    String diagnostics() {
        return nodes.stream().map(node -> node.tail(TAIL_LINES)).collect(Collectors.joining("\n", "\n", "\n"));
    }

    /** Waits as {@link CheckpointFiles#await} does, failing early when a node exits that was not killed. */
    private void awaitRun(Duration timeout, String what, CheckpointFiles.Condition condition) throws Exception {
        CheckpointFiles.await(timeout, what, condition, () -> {
            for (NodeProcess node : nodes) {
                if (!node.isAlive() && !expectedDown.contains(node)) {
                    fail("node " + node.name() + " exited (" + node.exitValue() + ") while waiting for " + what
                            + diagnostics());
                }
            }
            return diagnostics();
        });
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
    }
}
