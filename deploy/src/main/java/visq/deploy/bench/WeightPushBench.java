package visq.deploy.bench;

import ai.djl.ndarray.NDManager;
import akka.actor.typed.ActorSystem;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import visq.actors.weights.WeightPublisher;
import visq.deploy.node.NodeLauncher;
import visq.deploy.node.NodeProcess;
import visq.gpu.model.EncodedWeights;

/**
 * {@code visq bench --only weight-push}: weight snapshots of chosen sizes (synthetic tensors, the real snapshot
 * codec) pushed from this JVM, as the learner node (the real {@link WeightPublisher}), to a rollout JVM (a separate
 * process, the real receiving path and import) over Artery, next to a raw loopback TCP copy of the same bytes between
 * the same two JVMs in the same run. Reports MB/s of both, their ratio and the peak heap of each side during a push,
 * and where a push's time went: from its first chunk to its last in the rollout JVM (transport, serialization,
 * reassembly and hashing as chunks arrive), the import (the codec's checks and the copy into the tensors), and the
 * rest (the publisher's first chunks until the first arrives, the last chunk's checksum, the report back).
 */
public final class WeightPushBench {
    /** The default sizes: the compact policy's snapshot, then LoRA-adapter-sized ones up to 1 GB. */
    public static final String DEFAULT_SIZES = "1.27MB,64MB,160MB,1GB";
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|KiB|MiB|GiB)");

    /** A snapshot size as the user wrote it and in bytes. */
    public record SnapshotSize(String label, long bytes) {}

    /**
     * A JVM's memory during pushes: the most heap in use (garbage included), the most heap retained and the most
     * direct memory in use (see {@link HeapPeak}).
     */
    public record HeapPeaks(long used, long retained, long direct) {
        HeapPeaks max(HeapPeaks other) {
            return new HeapPeaks(Math.max(used, other.used), Math.max(retained, other.retained),
                    Math.max(direct, other.direct));
        }
    }

    /** One size's figures (medians over the timed pushes and copies, heap peaks over them). */
    public record Measurement(SnapshotSize size, long snapshotBytes, int chunks, double exportMillis,
            double pushMillis, double transferMillis, double assemblingMillis, double importMillis, double rawMillis,
            double learnerCpuMillis, double rolloutCpuMillis, double rawCpuMillis, HeapPeaks learner,
            HeapPeaks rollout) {
        public double pushMegabytesPerSecond() {
            return snapshotBytes / 1e3 / pushMillis;
        }

        public double rawMegabytesPerSecond() {
            return snapshotBytes / 1e3 / rawMillis;
        }

        /** The push's bytes/s over the raw copy's. */
        public double fractionOfRaw() {
            return rawMillis / pushMillis;
        }
    }

    private final Config config;
    private final PrintStream out;

    public WeightPushBench(Config config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Sizes such as {@code 1.27MB,64MB,160MB,1GB} (KB/MB/GB decimal, KiB/MiB/GiB binary). */
    public static List<SnapshotSize> parseSizes(String text) {
        List<SnapshotSize> sizes = new ArrayList<>();
        for (String item : text.split(",")) {
            Matcher matcher = SIZE.matcher(item.strip());
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + item.strip() + "' is not a size such as 64MB or 1GB");
            }
            String unit = matcher.group(2);
            double base = unit.endsWith("iB") ? 1024 : 1000;
            int power = "BKMG".indexOf(unit.charAt(0));
            long bytes = Math.round(Double.parseDouble(matcher.group(1)) * Math.pow(base, power));
            if (bytes < 1024 || bytes > 1_500_000_000L) {
                throw new IllegalArgumentException("snapshot size " + item.strip() + " is outside 1 KiB..1.5 GB");
            }
            sizes.add(new SnapshotSize(item.strip(), bytes));
        }
        return List.copyOf(sizes);
    }

    /** The rollout JVM's default {@code -Xmx}: twice the largest snapshot and 512 MB. */
    public static String rolloutHeapFor(List<SnapshotSize> sizes) {
        long largest = sizes.stream().mapToLong(SnapshotSize::bytes).max().orElse(0);
        return ((2 * largest >> 20) + 512) + "m";
    }

    /** The push's fraction of the raw copy's bytes/s, per size label: {@code weight_push_fraction_of_raw}. */
    public static Map<String, Double> fractionsOfRaw(List<Measurement> measurements) {
        Map<String, Double> fractions = new LinkedHashMap<>();
        measurements.forEach(m -> fractions.put(m.size().label(), m.fractionOfRaw()));
        return fractions;
    }

    /**
     * Pushes each size once untimed, then {@code pushes} times timed, each after a raw copy of the same bytes.
     *
     * @param rolloutHeap the rollout JVM's {@code -Xmx}
     */
    public List<Measurement> run(List<SnapshotSize> sizes, int pushes, String rolloutHeap) throws Exception {
        Path logs = Files.createTempDirectory("visq-bench-weight-push");
        int learnerPort = NodeProcess.freePort();
        Config learner = config
                .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(learnerPort))
                .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of()))
                .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of("learner")))
                .withValue("akka.loglevel", ConfigValueFactory.fromAnyRef("WARNING"));
        ActorSystem<WeightPublisher.Command> publisher = ActorSystem.create(
                WeightPublisher.create(WeightPublisher.Settings.fromConfig(learner)), NodeLauncher.SYSTEM_NAME, learner);
        Cluster.get(publisher).manager().tell(Join.create(Cluster.get(publisher).selfMember().address()));
        List<Measurement> measurements = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                NodeProcess rollout = NodeProcess.startMain("weight-push-rollout",
                        WeightPushReceiverNode.class.getName(), List.of(Integer.toString(server.getLocalPort()),
                                sharedSettings(learner)),
                        rolloutHeap, NodeProcess.freePort(), learnerPort, Map.of(), logs);
                NDManager manager = NDManager.newBaseManager()) {
            server.setSoTimeout(180_000);
            try (ControlConnection control = new ControlConnection(server.accept())) {
                control.readTimeout(600_000);
                expect(control, rollout, "ready");
                out.printf(Locale.ROOT, "weight push: learner JVM (this one, -Xmx %d MB) -> rollout JVM (-Xmx%s) over "
                        + "Artery on 127.0.0.1, %d KiB chunks; raw copy: the same bytes over one loopback TCP "
                        + "connection between the same JVMs into one array (kept between copies); medians of %d%n",
                        Runtime.getRuntime().maxMemory() >> 20, rolloutHeap,
                        config.getBytes("visq.weights.chunk-size") >> 10, pushes);
                long version = 0;
                for (SnapshotSize size : sizes) {
                    Measurement measured = measure(size, pushes, version, publisher, control, rollout, manager);
                    version += pushes + 1;
                    measurements.add(measured);
                    print(measured);
                }
                control.send("quit");
            } catch (SocketTimeoutException e) {
                throw new IllegalStateException("the rollout JVM did not answer in time\n" + rollout.tail(30), e);
            }
        } finally {
            publisher.terminate();
            publisher.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        out.printf(Locale.ROOT, "weight_push_fraction_of_raw: %s%n", fractionsOfRaw(measurements));
        return measurements;
    }

    /**
     * The settings the rollout JVM takes from this one: the transport's (frames, buffers, Akka's TCP buffers, which
     * destinations take Artery's large-message stream) and the weights' (as HOCON).
     */
    private static String sharedSettings(Config learner) {
        return ConfigFactory.empty()
                .withValue("akka.remote.artery.advanced", learner.getValue("akka.remote.artery.advanced"))
                .withValue("akka.io.tcp.direct-buffer-size", learner.getValue("akka.io.tcp.direct-buffer-size"))
                .withValue("akka.remote.artery.large-message-destinations",
                        learner.getValue("akka.remote.artery.large-message-destinations"))
                .withValue("visq.weights", learner.getValue("visq.weights"))
                .root().render(ConfigRenderOptions.concise());
    }

    private Measurement measure(SnapshotSize size, int pushes, long firstVersion,
            ActorSystem<WeightPublisher.Command> publisher, ControlConnection control, NodeProcess rollout,
            NDManager manager) throws IOException {
        SyntheticSnapshot layout = new SyntheticSnapshot(size.bytes());
        control.send("prepare " + size.bytes());
        expect(control, rollout, "prepared");
        List<Double> exports = new ArrayList<>();
        List<Double> pushTimes = new ArrayList<>();
        List<Double> transferTimes = new ArrayList<>();
        List<Double> assemblingTimes = new ArrayList<>();
        List<Double> importTimes = new ArrayList<>();
        List<Double> rawTimes = new ArrayList<>();
        List<Double> learnerCpu = new ArrayList<>();
        List<Double> rolloutCpu = new ArrayList<>();
        List<Double> rawCpu = new ArrayList<>();
        HeapPeaks learnerPeak = new HeapPeaks(0, 0, 0);
        HeapPeaks rolloutPeak = new HeapPeaks(0, 0, 0);
        EncodedWeights weights = null;
        for (int push = 0; push <= pushes; push++) {
            long version = firstVersion + push + 1;
            weights = null; // the previous version is the publisher's now
            long started = System.nanoTime();
            weights = layout.encode(manager, version);
            exports.add((System.nanoTime() - started) / 1e6);
            double[] raw = rawCopy(weights, control, rollout); // untimed the first time (its array is allocated)
            if (push > 0) {
                rawTimes.add(raw[0]);
                rawCpu.add(raw[1]);
            }
            control.send("reset");
            expect(control, rollout, "reset");
            HeapPeak.reset();
            long cpuStarted = WeightPushReceiverNode.processCpuNanos();
            started = System.nanoTime();
            publisher.tell(new WeightPublisher.Publish(weights));
            String[] imported = expect(control, rollout, "imported").split(" ");
            double millis = (System.nanoTime() - started) / 1e6;
            double cpuMillis = (WeightPushReceiverNode.processCpuNanos() - cpuStarted) / 1e6;
            HeapPeaks learnerHeap = new HeapPeaks(HeapPeak.peakUsed(), HeapPeak.peakRetained(), HeapPeak.peakDirect());
            String[] retained = expect(control, rollout, "retained").split(" ");
            HeapPeaks rolloutHeap = new HeapPeaks(Long.parseLong(imported[3]), Long.parseLong(retained[1]),
                    Long.parseLong(retained[2]));
            if (Long.parseLong(imported[1]) != version || !imported[2].equals(weights.sha256())) {
                throw new IllegalStateException("the rollout JVM imported " + imported[1] + " " + imported[2]
                        + ", pushed " + version + " " + weights.sha256());
            }
            if (push > 0) {
                pushTimes.add(millis);
                transferTimes.add(Long.parseLong(imported[4]) / 1e6);
                assemblingTimes.add(Long.parseLong(imported[5]) / 1e6);
                importTimes.add(Long.parseLong(imported[6]) / 1e6);
                learnerCpu.add(cpuMillis);
                rolloutCpu.add(Long.parseLong(imported[7]) / 1e6);
                learnerPeak = learnerPeak.max(learnerHeap);
                rolloutPeak = rolloutPeak.max(rolloutHeap);
            }
        }
        int chunkBytes = (int) config.getBytes("visq.weights.chunk-size").longValue();
        return new Measurement(size, weights.size(), (weights.size() + chunkBytes - 1) / chunkBytes,
                Median.of(exports), Median.of(pushTimes), Median.of(transferTimes), Median.of(assemblingTimes),
                Median.of(importTimes), Median.of(rawTimes), Median.of(learnerCpu), Median.of(rolloutCpu),
                Median.of(rawCpu), learnerPeak, rolloutPeak);
    }

    /**
     * Copies the bytes of {@code weights} to the rollout JVM over the control connection (the copy is garbage after);
     * returns the milliseconds it took and the CPU milliseconds both JVMs used for it.
     */
    private static double[] rawCopy(EncodedWeights weights, ControlConnection control, NodeProcess rollout)
            throws IOException {
        byte[] bytes = weights.bytes();
        control.send("raw " + bytes.length);
        long cpu = WeightPushReceiverNode.processCpuNanos();
        long started = System.nanoTime();
        control.sendBytes(bytes);
        String[] received = expect(control, rollout, "received").split(" ");
        double millis = (System.nanoTime() - started) / 1e6;
        return new double[] {millis,
                (WeightPushReceiverNode.processCpuNanos() - cpu + Long.parseLong(received[2])) / 1e6};
    }

    private void print(Measurement m) {
        out.printf(Locale.ROOT, "weight push %s (%.2f MB, %d chunks): export %.0f ms; push (publish -> imported) "
                + "%.1f ms = %.1f MB/s (first to last chunk %.1f ms, of which the holder took chunks in %.1f ms; import "
                + "%.1f ms; CPU time used meanwhile: learner JVM %.0f ms, rollout JVM %.0f ms); raw TCP copy %.1f ms = "
                + "%.1f MB/s (CPU time of both JVMs %.0f ms); fraction of raw %.2f; peak heap retained (in use, garbage "
                + "included): learner %d MB (%d MB), rollout %d MB (%d MB); peak direct memory: learner %d MB, rollout %d MB%n",
                m.size().label(),
                m.snapshotBytes() / 1e6, m.chunks(), m.exportMillis(), m.pushMillis(), m.pushMegabytesPerSecond(), m.transferMillis(),
                m.assemblingMillis(), m.importMillis(), m.learnerCpuMillis(), m.rolloutCpuMillis(), m.rawMillis(),
                m.rawMegabytesPerSecond(), m.rawCpuMillis(), m.fractionOfRaw(),
                m.learner().retained() >> 20, m.learner().used() >> 20, m.rollout().retained() >> 20,
                m.rollout().used() >> 20, m.learner().direct() >> 20, m.rollout().direct() >> 20);
    }

    /** The next line from the rollout JVM, which must start with {@code word}. */
    private static String expect(ControlConnection control, NodeProcess rollout, String word) throws IOException {
        String line = control.readLine();
        if (line == null || !line.startsWith(word)) {
            throw new IllegalStateException("expected '" + word + "' from the rollout JVM, got " + line + "\n"
                    + rollout.tail(30));
        }
        return line;
    }
}
