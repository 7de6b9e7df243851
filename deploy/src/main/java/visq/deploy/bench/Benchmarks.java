package visq.deploy.bench;

import akka.actor.typed.ActorSystem;
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
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import visq.actors.cluster.DataDirectories;
import visq.actors.cluster.ModelSettings;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.router.InferenceRouter;
import visq.deploy.node.NodeLauncher;
import visq.deploy.node.NodeProcess;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;

import visq.gpu.image.ImageTensor;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;

/**
 * {@code visq bench}: measures, in one run on this machine, rollout and token throughput of a worker's
 * model, the learner's GRPO step time, weight pushes of 1.27 MB to 1 GB from a learner JVM to a rollout JVM over
 * Artery (publisher, Kryo, reassembly with checksum, import) next to a raw TCP copy of the same bytes, scoring requests/s with p50/p99 latency over real gRPC on
 * 127.0.0.1 with 1 and 8 clients, at batch 1 and with the router's micro-batching, and the samples/s ratio of asynchronous (max-staleness 1) to synchronous training with two
 * workers at otherwise equal settings, and the samples/s ratio of two rollout nodes to one, each node a separate JVM.
 * Every number comes from this run; compare ratios, not absolutes.
 */
public final class Benchmarks {
    /** Clients in flight of the scoring figures that go into the summary. */
    private static final int CLIENTS = 8;

    private final Config config;
    private final PrintStream out;
    private final Path sharedDirectory;
    private final BenchSummary summary;

    /** A bench that prints to {@code out} and records its headline numbers in {@code summary}. */
    public Benchmarks(Config config, PrintStream out, BenchSummary summary) {
        this.config = config;
        this.out = out;
        this.sharedDirectory = DataDirectories.fromConfig(config).shared();
        this.summary = summary;
    }

    public void runAll(int scoringSeconds, int asyncSteps, int scalingSteps) throws Exception {
        PolicyModelConfig model = ModelSettings.fromConfig(config);
        ImageTensor image = model.imagePreparation()
                .preprocess(ImageDecoder.decode(sharedDirectory.resolve("data/clive/images/100.png"),
                        ImageLimits.defaults()));
        out.printf(Locale.ROOT, "visq bench on %d cores, model %s (%s)%n", Runtime.getRuntime().availableProcessors(),
                model.modelId(), model.toJson());
        rolloutsAndLearner(model, image);
        weightPush();
        scoring(scoringSeconds);
        asyncVersusSync(asyncSteps);
        new RolloutScaling(config, out).run(scalingSteps);
    }

    /** Only training throughput with one versus two rollout nodes in separate JVMs ({@code --only scaling}). */
    public void runScaling(int scalingSteps) throws Exception {
        out.printf(Locale.ROOT, "visq bench (rollout scaling) on %d cores%n", Runtime.getRuntime().availableProcessors());
        new RolloutScaling(config, out).run(scalingSteps);
    }

    private void rolloutsAndLearner(PolicyModelConfig model, ImageTensor image) {
        PolicyPrompt prompt = PromptCatalogue.prompt(QualityTask.DEGRADATION, List.of(image));
        TrainingSettings training = TrainingSettings.fromConfig(config);
        int groupSize = training.groupSize();
        PolicyThroughput.Result measured = PolicyThroughput.measure(model, prompt, groupSize, training.sampling(), 20,
                10);
        out.printf(Locale.ROOT, "rollout worker: %.1f rollouts/s, %.0f tokens/s (median of %d groups of %d, %.1f tokens "
                + "per rollout, one worker, one thread)%n", measured.rolloutsPerSecond(), measured.tokensPerSecond(),
                measured.groups(), groupSize, measured.tokensPerRollout());
        out.printf(Locale.ROOT, "learner: %.1f ms per GRPO step (median of %d; %d rollouts: 4 prompts x G=%d)%n",
                measured.learnerMillis(), measured.steps(), measured.learnerBatch().size(), groupSize);
    }

    /** The weight push at the default sizes between two JVMs, next to a raw TCP copy ({@link WeightPushBench}). */
    private void weightPush() throws Exception {
        List<WeightPushBench.SnapshotSize> sizes = WeightPushBench.parseSizes(WeightPushBench.DEFAULT_SIZES);
        summary.recordPerSize(BenchSummary.Key.WEIGHT_PUSH_FRACTION_OF_RAW, WeightPushBench.fractionsOfRaw(
                new WeightPushBench(config, out).run(sizes, 3, WeightPushBench.rolloutHeapFor(sizes))));
    }

    /**
     * The load test ({@code visq bench --only load}): a steady open-loop rate below capacity for {@code seconds}
     * (no errors expected), then an overload at many times capacity with a small in-flight limit, where the only
     * failures must be RESOURCE_EXHAUSTED; both on one node with micro-batching, heap measured around each.
     */
    public void runLoad(int seconds, double rate) throws Exception {
        out.printf(Locale.ROOT, "visq bench (load) on %d cores%n", Runtime.getRuntime().availableProcessors());
        Path image = sharedDirectory.resolve("data/clive/images/100.png");
        try (ServingNode serving = ServingNode.start(config, Map.of("visq.router.max-in-flight", 32), image)) {
            SteadyLoad load = new SteadyLoad(serving.scoring(), serving.request(), out);
            load.run("steady load", rate, seconds);
            load.run("overload (in-flight limit 32)", rate * 10, Math.max(5, seconds / 6));
        }
    }

    /** Only the scoring benchmark ({@code visq bench --only scoring}). */
    public void runScoring(int scoringSeconds) throws Exception {
        out.printf(Locale.ROOT, "visq bench (scoring only) on %d cores%n", Runtime.getRuntime().availableProcessors());
        scoring(scoringSeconds);
    }

    /**
     * Where a scoring request's time goes (each part alone on one thread), then scoring at batch 1 and at the
     * configured micro-batching, each on a fresh node, in this run; the gain at 8 clients goes into the summary.
     */
    private void scoring(int seconds) throws Exception {
        int batching = InferenceRouter.Settings.fromConfig(config).maxBatchSize();
        Path image = sharedDirectory.resolve("data/clive/images/100.png");
        scoringCost(image, Math.min(batching, CLIENTS));
        ScoringRun alone = scoring(seconds, 1, image);
        summary.record(BenchSummary.Key.SCORING_QPS_BATCH_1, alone.requestsPerSecond());
        summary.record(BenchSummary.Key.SCORING_P99_MS_BATCH_1, alone.p99Millis());
        if (batching > 1) {
            ScoringRun batched = scoring(seconds, batching, image);
            double gain = batched.requestsPerSecond() / alone.requestsPerSecond();
            summary.record(BenchSummary.Key.SCORING_QPS_MICROBATCH, batched.requestsPerSecond());
            summary.record(BenchSummary.Key.SCORING_P99_MS_MICROBATCH, batched.p99Millis());
            summary.record(BenchSummary.Key.MICROBATCH_QPS_GAIN, gain);
            out.printf(Locale.ROOT, "micro-batching at %d clients: %.2fx the requests/s of batch 1 (%.1f vs %.1f), p99 "
                    + "%.1f vs %.1f ms%n", CLIENTS, gain, batched.requestsPerSecond(), alone.requestsPerSecond(),
                    batched.p99Millis(), alone.p99Millis());
        }
    }

    /** Requests/s and p99 latency of one scoring measurement. */
    private record ScoringRun(double requestsPerSecond, double p99Millis) {}

    private void scoringCost(Path image, int batch) throws Exception {
        PolicyModelConfig model = ModelSettings.fromConfig(config);
        int cores = Runtime.getRuntime().availableProcessors();
        ScoringCost cost = ScoringCost.measure(model, InferenceRouter.Settings.fromConfig(config).sampling(),
                Files.readAllBytes(image), batch, 20);
        out.printf(Locale.ROOT, "scoring cost per request (one thread, medians of 20): decode %.1f ms, preparation "
                + "%.1f ms (image statistics %.1f ms of it); model answer %.1f ms alone, %.1f ms per request in a "
                + "batch of %d (%.1f ms per call; %.1f tokens per answer)%n", cost.decodeMillis(), cost.prepareMillis(),
                cost.statisticsMillis(), cost.answerMillis(), cost.batchMillis() / batch, batch, cost.batchMillis(),
                cost.tokensPerAnswer());
        out.printf(Locale.ROOT, "answer constraint (visq.router.sampling.constrained-answers): one answer %.1f ms "
                + "with it, %.1f ms without (%.2fx; the bench's policy is untrained, so the constraint picks most of "
                + "its answer tokens: a worst case)%n", cost.answerMillis(), cost.unconstrainedAnswerMillis(),
                cost.answerMillis() / cost.unconstrainedAnswerMillis());
        out.printf(Locale.ROOT, "scoring ceilings on %d cores from these parts (gRPC and client not counted): batch 1 "
                + "%.1f requests/s, micro-batches of %d %.1f requests/s (%.2fx)%n", cores, cost.batchOneCeiling(cores),
                batch, cost.microBatchCeiling(cores), cost.gainCeiling(cores));
        OptionalInt coresFor3x = cost.coresForGain(3, 256);
        out.println(coresFor3x.isPresent()
                ? String.format(Locale.ROOT, "these parts allow micro-batching 3x the requests/s of batch 1 from %d "
                        + "cores up (%.2fx there)", coresFor3x.getAsInt(), cost.gainCeiling(coresFor3x.getAsInt()))
                : "these parts allow micro-batching 3x the requests/s of batch 1 on no machine up to 256 cores");
    }

    /** Scoring with 1 and {@value #CLIENTS} clients in flight; the result of the latter. */
    private ScoringRun scoring(int seconds, int maxBatchSize, Path image) throws Exception {
        ScoringRun last = null;
        try (ServingNode serving = ServingNode.start(config, Map.of("visq.router.max-batch-size", maxBatchSize),
                image)) {
            ScoringServiceClient scoring = serving.scoring();
            ScoreRequest request = serving.request();
            for (int concurrency : new int[] {1, CLIENTS}) {
                ServingNode.BatchesSent before = serving.batchesSent();
                LatencyRecorder latencies = new LatencyRecorder();
                AtomicInteger errors = new AtomicInteger();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                List<CompletableFuture<LatencyRecorder>> loops = new ArrayList<>();
                for (int c = 0; c < concurrency; c++) {
                    loops.add(CompletableFuture.supplyAsync(() -> {
                        LatencyRecorder mine = new LatencyRecorder();
                        while (System.nanoTime() < deadline) {
                            long started = System.nanoTime();
                            try {
                                scoring.score(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
                                mine.record(System.nanoTime() - started);
                            } catch (Exception e) {
                                errors.incrementAndGet();
                            }
                        }
                        return mine;
                    }));
                }
                for (CompletableFuture<LatencyRecorder> loop : loops) {
                    latencies.addAll(loop.get());
                }
                String batching = maxBatchSize == 1 ? "batch 1" : "micro-batches of up to " + maxBatchSize + ", wait "
                        + InferenceRouter.Settings.fromConfig(config).maxBatchWait().toMillis() + " ms";
                last = new ScoringRun(latencies.count() / (double) seconds, latencies.percentileMillis(99));
                out.printf(Locale.ROOT, "scoring over gRPC (1 worker, %s, %d client(s) in flight): %.1f requests/s,"
                        + " p50 %.1f ms, p99 %.1f ms, %d errors in %d s; %.2f requests per batch sent%n", batching,
                        concurrency, last.requestsPerSecond(), latencies.percentileMillis(50), last.p99Millis(),
                        errors.get(), seconds, serving.batchesSent().meanSince(before));
            }
        }
        return last;
    }

    /**
     * Only synchronous against asynchronous training with 2 workers, with the utilisation timeline of each
     * ({@code --only async}).
     */
    public void runAsync(int grpoSteps) throws Exception {
        out.printf(Locale.ROOT, "visq bench (async vs sync) on %d cores%n", Runtime.getRuntime().availableProcessors());
        asyncVersusSync(grpoSteps);
    }

    private void asyncVersusSync(int grpoSteps) throws Exception {
        double sync = trainingThroughput(0, grpoSteps);
        double async = trainingThroughput(1, grpoSteps);
        out.printf(Locale.ROOT, "training with 2 workers: synchronous %.1f samples/s, asynchronous (max-staleness 1) "
                + "%.1f samples/s, ratio %.2f%n", sync, async, async / sync);
        summary.record(BenchSummary.Key.ASYNC_OVER_SYNC, async / sync);
    }

    /** GRPO samples per second of wall time over {@code grpoSteps} steps (after a 2-step cold start). */
    private double trainingThroughput(int maxStaleness, int grpoSteps) throws Exception {
        Path work = Files.createTempDirectory("visq-bench-train");
        int metricsPort = NodeProcess.freePort();
        Config node = config
                .withValue("visq.training.cold-start-steps", ConfigValueFactory.fromAnyRef(2))
                .withValue("visq.training.grpo-steps", ConfigValueFactory.fromAnyRef(grpoSteps))
                .withValue("visq.training.max-staleness", ConfigValueFactory.fromAnyRef(maxStaleness))
                .withValue("visq.rollout.devices", ConfigValueFactory.fromIterable(List.of("cpu", "cpu")))
                .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of("learner", "rollout")))
                .withValue("visq.learner.checkpoint-dir", ConfigValueFactory.fromAnyRef(work.toString()))
                .withValue("visq.metrics.enabled", ConfigValueFactory.fromAnyRef(true))
                .withValue("visq.metrics.port", ConfigValueFactory.fromAnyRef(metricsPort));
        ActorSystem<Void> cluster = NodeLauncher.start(node);
        UtilisationTimeline timeline = new UtilisationTimeline();
        PrometheusScrape metrics = new PrometheusScrape("127.0.0.1", metricsPort);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        sampler.scheduleAtFixedRate(() -> {
            try {
                timeline.add((System.nanoTime() - started) / 1e9, metrics.fetch());
            } catch (Exception e) {
                out.println("utilisation sample skipped: " + e.getMessage());
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
        try {
            return GrpoThroughput.measure(work, 2, grpoSteps, TrainingSettings.fromConfig(config).groupSize(),
                    Duration.ofMinutes(10), () -> true);
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(30, TimeUnit.SECONDS);
            timeline.print(out, maxStaleness == 0 ? "synchronous" : "asynchronous (max-staleness " + maxStaleness + ")",
                    8);
            cluster.terminate();
            cluster.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
