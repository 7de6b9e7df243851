package visq.deploy.bench;

import ai.djl.ndarray.NDManager;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import visq.deploy.node.NodeLauncher;

/**
 * The rollout JVM of {@code visq bench --only weight-push}: a cluster node (multi-node.conf, seeded at
 * {@code VISQ_SEED}, with the bench's transport and weight settings given as HOCON in its second argument) holding a
 * {@link SnapshotHolder}, driven over a control connection to the bench JVM. Commands, one line each: {@code prepare N}
 * (hold zero tensors of the synthetic layout of N bytes), {@code reset} (collect garbage and start a new heap peak),
 * {@code raw N} followed by N bytes (the raw TCP copy: read into one array; answered {@code received N CPU_NANOS}),
 * {@code quit}. Answers a line each, and {@code imported VERSION SHA256 PEAK_HEAP_USED TRANSFER_NANOS ASSEMBLING_NANOS
 * IMPORT_NANOS CPU_NANOS} whenever a push is imported (see {@link SnapshotHolder.Imported}; CPU_NANOS: this JVM's CPU
 * time since the last {@code reset}), then {@code retained PEAK_HEAP_RETAINED PEAK_DIRECT} (see {@link HeapPeak}). The
 * raw copy's array is kept for the next copy of the same size, as a push's assembly buffer is.
 */
public final class WeightPushReceiverNode {
    /** This JVM's CPU time at the last {@code reset}. */
    private static final AtomicLong CPU_AT_RESET = new AtomicLong();

    private final ControlConnection control;

    private WeightPushReceiverNode(ControlConnection control) {
        this.control = control;
    }

    public static void main(String[] args) throws Exception {
        int controlPort = Integer.parseInt(args[0]);
        Config config = ConfigFactory.parseString(args[1]).withFallback(NodeLauncher.configure("multi-node.conf",
                Map.of("akka.cluster.roles", "[rollout]", "akka.loglevel", "WARNING"), System.getenv()));
        AtomicReference<SnapshotHolder.HeldTensors> held = new AtomicReference<>();
        try (ControlConnection control = new ControlConnection(new Socket("127.0.0.1", controlPort));
                NDManager manager = NDManager.newBaseManager()) {
            WeightPushReceiverNode node = new WeightPushReceiverNode(control);
            ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(context -> {
                context.spawn(SnapshotHolder.create(held::get, imported -> {
                    control.send("imported " + imported.weights().version() + " " + imported.weights().sha256() + " "
                            + HeapPeak.peakUsed() + " " + imported.transferNanos() + " " + imported.assemblingNanos()
                            + " " + imported.importNanos() + " " + (processCpuNanos() - CPU_AT_RESET.get()));
                    // the snapshot is still referenced here
                    control.send("retained " + HeapPeak.peakRetained() + " " + HeapPeak.peakDirect());
                    Reference.reachabilityFence(imported);
                }), "holder",
                        DispatcherSelector.fromConfig("visq.dispatchers.device"));
                return Behaviors.<Void>empty();
            }), NodeLauncher.SYSTEM_NAME, config);
            try {
                node.serve(manager, held);
            } finally {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The CPU time this JVM's threads have used, all together. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private void serve(NDManager manager, AtomicReference<SnapshotHolder.HeldTensors> held) throws IOException {
        control.send("ready");
        NDManager tensors = null;
        byte[] copy = new byte[0];
        for (String line = control.readLine(); line != null && !line.equals("quit"); line = control.readLine()) {
            String[] words = line.split(" ");
            switch (words[0]) {
                case "prepare":
                    if (tensors != null) {
                        tensors.close();
                    }
                    tensors = manager.newSubManager();
                    SyntheticSnapshot layout = new SyntheticSnapshot(Long.parseLong(words[1]));
                    held.set(new SnapshotHolder.HeldTensors(layout.codec(), layout.zeros(tensors)));
                    control.send("prepared");
                    break;
                case "reset":
                    long heap = HeapPeak.reset();
                    CPU_AT_RESET.set(processCpuNanos());
                    control.send("reset " + heap);
                    break;
                case "raw":
                    long cpu = processCpuNanos();
                    int length = Integer.parseInt(words[1]);
                    if (copy.length != length) {
                        copy = new byte[0]; // the old one is garbage before the new one is allocated
                        copy = new byte[length];
                    }
                    control.readFully(copy);
                    control.send("received " + copy.length + " " + (processCpuNanos() - cpu));
                    break;
                default:
                    throw new IllegalArgumentException("unknown command: " + line);
            }
        }
    }
}
