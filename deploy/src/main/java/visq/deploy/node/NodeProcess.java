package visq.deploy.node;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One cluster node in a child JVM of this one: {@code visq node --config multi-node.conf} on 127.0.0.1, started
 * with this JVM's {@code java} and class path, one OpenMP/MKL thread, its output in {@code <name>.log}. A test or
 * benchmark can kill it as a crash would ({@link #kill()}: SIGKILL, no shutdown hook runs) or stop it gracefully.
 * Every child still running when this JVM exits is killed by a shutdown hook, so none outlives a failed run.
 */
public final class NodeProcess implements AutoCloseable {
    /**
     * The {@code visq} command's main class the child JVM runs, by name: the command line sits above this package
     * (it starts nodes through it), so naming the class here keeps the packages free of a cycle.
     */
    public static final String MAIN_CLASS = "visq.deploy.VisqCommand";
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "visq-node-process-reaper"));
    }

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private NodeProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts node {@code name} with cluster {@code roles} on {@code port}, joining the first of {@code seedPorts}
     * that answers (a node whose own port comes first forms the cluster when none does); {@code settings} are
     * passed as {@code --set key=value} (values rendered as HOCON). Returns once the JVM is launched, not joined.
     */
    public static NodeProcess start(String name, List<String> roles, int port, List<Integer> seedPorts,
            Map<String, ?> settings, Path logDirectory) {
        return start(name, roles, port, seedPorts, settings, logDirectory, "multi-node.conf", Map.of());
    }

    /**
     * As {@link #start(String, List, int, List, Map, Path)}, from the deploy configuration {@code configName} (e.g.
     * {@code cluster-tls.conf}) with {@code environment} added to the child's environment variables.
     */
    public static NodeProcess start(String name, List<String> roles, int port, List<Integer> seedPorts,
            Map<String, ?> settings, Path logDirectory, String configName, Map<String, String> environment) {
        List<String> arguments = new ArrayList<>(List.of("node", "--config", configName));
        String seeds = seedPorts.stream().map(NodeProcess::address).map(a -> "\"" + a + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        arguments.addAll(List.of("--set", "akka.cluster.seed-nodes=" + seeds));
        settings.forEach((key, value) -> arguments.addAll(List.of("--set",
                key + "=" + ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise()))));
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("VISQ_ROLES", String.join(",", roles));
        return startMain(name, MAIN_CLASS, arguments, "1g", port, seedPorts.get(0), env, logDirectory);
    }

    /**
     * Starts {@code mainClass} with {@code arguments} in a child JVM of at most {@code maxHeap} heap (an {@code -Xmx}
     * value: {@code 1g}, {@code 3500m}), on this JVM's class path, as a node of the cluster seeded on
     * {@code seedPort} with its canonical address on 127.0.0.1:{@code port} ({@code VISQ_HOST}, {@code VISQ_PORT},
     * {@code VISQ_SEED}), one OpenMP/MKL thread, {@code environment} added to its environment variables.
     */
    public static NodeProcess startMain(String name, String mainClass, List<String> arguments, String maxHeap, int port,
            int seedPort, Map<String, String> environment, Path logDirectory) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+UseSerialGC",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Dvisq.shared=" + System.getProperty("visq.shared", "../shared")));
        String djlCache = System.getProperty("DJL_CACHE_DIR");
        if (djlCache != null) {
            command.add("-DDJL_CACHE_DIR=" + djlCache);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        Path log = logDirectory.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("VISQ_HOST", "127.0.0.1");
        env.put("VISQ_PORT", Integer.toString(port));
        env.put("VISQ_SEED", address(seedPort));
        env.put("OMP_NUM_THREADS", "1");
        env.put("MKL_NUM_THREADS", "1");
        env.put("MKL_CBWR", "COMPATIBLE");
        env.put("DJL_OFFLINE", "true");
        env.putAll(environment);
        try {
            Files.createDirectories(logDirectory);
            Process process = builder.start();
            RUNNING.add(process);
            return new NodeProcess(name, port, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start node " + name, e);
        }
    }

    /** A TCP port free on this machine right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** The Akka address of a node on 127.0.0.1:{@code port}. */
    public static String address(int port) {
        return "akka://" + NodeLauncher.SYSTEM_NAME + "@127.0.0.1:" + port;
    }

    /** Kills the JVM with SIGKILL, as a crash or the OOM killer would, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Asks the JVM to stop (SIGTERM: coordinated shutdown leaves the cluster), killing it after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                RUNNING.remove(process);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status; only meaningful once the JVM has exited (137 after {@link #kill()}). */
    public int exitValue() {
        return process.exitValue();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** The node's output so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of the node's output, headed by its name, for failure messages. */
    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return "---- " + name + " (" + (process.isAlive() ? "running" : "exited " + process.exitValue()) + "), last "
                + lines + " lines of " + log + "\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Kills the JVM if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        RUNNING.remove(process);
    }
}
