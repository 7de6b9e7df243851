package visq.deploy;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.grpc.GrpcClientSettings;
import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import visq.actors.cluster.ModelSettings;
import visq.actors.coordinator.TrainingPhase;
import visq.actors.coordinator.TrainingProgress;
import visq.protocol.api.AdminServiceClient;
import visq.protocol.api.ClusterMember;
import visq.protocol.api.ImageInput;
import visq.protocol.api.ScoreReply;
import visq.protocol.api.ScoreRequest;
import visq.protocol.api.ScoringServiceClient;
import visq.protocol.api.StatusReply;
import visq.protocol.api.StatusRequest;

/**
 * {@code visq <command>}: {@code train} (local one-JVM cluster, trains with a progress bar, keeps
 * serving), {@code serve} (local cluster serving the newest checkpoint), {@code node} (one member of a
 * multi-node cluster), {@code score IMAGE...} and {@code status} (gRPC clients).
 */
public final class VisqCommand {
    private static final String USAGE = String.join("\n",
            "usage: visq <command> [options]",
            "  train  [--exit-when-done] [--set key=value]...   train on the embedded default, then keep serving",
            "  serve  [--set key=value]...                       serve the newest checkpoint on a local cluster",
            "  node   --config multi-node.conf [--set key=value]... start one node of a multi-node cluster",
            "  score  [--host H] [--port P] [--token T] [--task score|score-number] IMAGE...   score images over gRPC",
            "  status [--host H] [--port P] [--token T]          cluster members and training progress",
            "  eval   [--checkpoint DIR] [--out DIR] [--samples N --temperature T] [--task score|score-number]",
            "         [--max-images N]   reports (Markdown, JSON), plots and summary for the held-out splits",
            "  bench  [--scoring-seconds S] [--async-steps N] [--scaling-steps N] [--only scoring|load|scaling|model]",
            "         throughput and latency, measured in one run",
            "         model: [--model-checkpoint DIR] [--repetitions 5]  rollouts/s and GRPO step time of the model",
            "         (a Qwen checkpoint with --model-checkpoint) next to transformers on the same work, as ratios",
            "         load: [--load-seconds 60] [--rate 15]  steady open-loop load, then overload; heap before/after",
            "         scaling: [--scaling-steps 48]  GRPO samples/s with 1 vs 2 rollout nodes, each a separate JVM",
            "  export-adapter [--checkpoint DIR] --out DIR [--set key=value]...   a Qwen run's newest LoRA adapters as a",
            "         PEFT adapter directory (adapter_config.json + adapter_model.safetensors)",
            "  (--token defaults to $VISQ_GRPC_TOKEN; needed when the cluster sets visq.grpc.bearer-token)");

    private VisqCommand() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Options options = Options.parse(List.of(args).subList(1, args.length));
        int exit;
        switch (args[0]) {
            case "train":
                exit = train(options);
                break;
            case "serve":
                options.overrides.putIfAbsent("visq.training.cold-start-steps", "0");
                options.overrides.putIfAbsent("visq.training.grpo-steps", "0");
                options.overrides.putIfAbsent("visq.learner.resume", "on");
                exit = runNode(options, "local.conf");
                break;
            case "node":
                exit = runNode(options, options.value("--config", "multi-node.conf"));
                break;
            case "score":
                exit = score(options);
                break;
            case "eval":
                exit = evaluate(options);
                break;
            case "bench":
                if (options.values.containsKey("--model-checkpoint")) {
                    options.overrides.putAll(visq.deploy.bench.ModelCheckpointOption.overrides(
                            Path.of(options.value("--model-checkpoint", ""))));
                }
                Config benchConfig = NodeLauncher.configure(options.value("--config", "local.conf"), options.overrides,
                        System.getenv());
                visq.deploy.bench.Benchmarks bench = new visq.deploy.bench.Benchmarks(benchConfig, System.out);
                int scoringSeconds = Integer.parseInt(options.value("--scoring-seconds", "20"));
                if (options.value("--only", "").equals("model") || options.values.containsKey("--model-checkpoint")) {
                    visq.deploy.bench.ModelBench.forCommandLine(benchConfig, System.out)
                            .run(Integer.parseInt(options.value("--repetitions", "5")));
                } else if (options.value("--only", "").equals("scoring")) {
                    bench.runScoring(scoringSeconds);
                } else if (options.value("--only", "").equals("load")) {
                    bench.runLoad(Integer.parseInt(options.value("--load-seconds", "60")),
                            Double.parseDouble(options.value("--rate", "15")));
                } else if (options.value("--only", "").equals("scaling")) {
                    bench.runScaling(Integer.parseInt(options.value("--scaling-steps", "48")));
                } else {
                    bench.runAll(scoringSeconds, Integer.parseInt(options.value("--async-steps", "16")),
                            Integer.parseInt(options.value("--scaling-steps", "48")));
                }
                exit = 0;
                break;
            case "export-adapter":
                exit = exportAdapter(options);
                break;
            case "status":
                exit = status(options);
                break;
            default:
                System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
                exit = 2;
        }
        if (exit >= 0) {
            System.exit(exit);
        }
    }

    private static int train(Options options) throws Exception {
        ActorSystem<Void> system = NodeLauncher.start(
                NodeLauncher.configure(options.value("--config", "local.conf"), options.overrides, System.getenv()));
        CompletableFuture<TrainingProgress> finished = new CompletableFuture<>();
        system.systemActorOf(ProgressWatcher.create(new ProgressBar(System.out, System.console() != null), finished),
                "progress-watcher", akka.actor.typed.Props.empty());
        TrainingProgress last = finished.get();
        System.out.println();
        if (last.phase() == TrainingPhase.FAILED) {
            System.err.println("training failed: " + last.failure());
            system.terminate();
            return 1;
        }
        System.out.printf(Locale.ROOT, "training done: %d steps, weight version %d, checkpoint in %s%n",
                last.step(), last.weightVersion(), system.settings().config().getString("visq.learner.checkpoint-dir"));
        if (options.flags.contains("--exit-when-done")) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return 0;
        }
        System.out.printf(Locale.ROOT, "serving gRPC on %s:%d (score with: ./visq score --port %d IMAGE)%n",
                system.settings().config().getString("visq.grpc.host"),
                system.settings().config().getInt("visq.grpc.port"),
                system.settings().config().getInt("visq.grpc.port"));
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }

    private static int evaluate(Options options) throws Exception {
        com.typesafe.config.Config config =
                NodeLauncher.configure(options.value("--config", "local.conf"), options.overrides, System.getenv());
        int samples = Integer.parseInt(options.value("--samples", "1"));
        visq.gpu.eval.ScoreDecoding decoding = samples <= 1 ? visq.gpu.eval.ScoreDecoding.greedy()
                : visq.gpu.eval.ScoreDecoding.meanOfSamples(samples,
                        Double.parseDouble(options.value("--temperature", "1.0")));
        String taskId = options.value("--task", "score");
        visq.gpu.tasks.QualityTask task = visq.gpu.tasks.QualityTask.fromId(taskId)
                .filter(t -> t == visq.gpu.tasks.QualityTask.SCORE || t == visq.gpu.tasks.QualityTask.SCORE_NUMBER)
                .orElseThrow(() -> new IllegalArgumentException("--task must be score or score-number, got " + taskId));
        visq.deploy.eval.EvaluationSettings settings = new visq.deploy.eval.EvaluationSettings(
                Path.of(options.value("--checkpoint", config.getString("visq.learner.checkpoint-dir"))),
                Path.of(options.value("--out", "target/visq-eval")), decoding, task,
                Integer.parseInt(options.value("--max-images", "0")), config.getInt("visq.router.max-new-tokens"));
        visq.deploy.eval.EvaluationSummary summary = new visq.deploy.eval.EvaluationRun(config, settings).run();
        System.out.println(summary.markdown());
        System.out.println("reports and plots in " + settings.outputDirectory().toAbsolutePath());
        return 0;
    }

    private static int exportAdapter(Options options) throws Exception {
        Config config =
                NodeLauncher.configure(options.value("--config", "local.conf"), options.overrides, System.getenv());
        String out = options.value("--out", "");
        if (out.isEmpty()) {
            throw new IllegalArgumentException("export-adapter needs --out DIR");
        }
        Path checkpoint = Path.of(options.value("--checkpoint", config.getString("visq.learner.checkpoint-dir")));
        long version = AdapterExport.export(ModelSettings.fromConfig(config), checkpoint, Path.of(out));
        System.out.println("adapter of weight version " + version + " from " + checkpoint + " written to " + out);
        return 0;
    }

    private static int runNode(Options options, String configName) throws Exception {
        ActorSystem<Void> system =
                NodeLauncher.start(NodeLauncher.configure(configName, options.overrides, System.getenv()));
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }

    private static int score(Options options) throws Exception {
        if (options.positional.isEmpty()) {
            System.err.println("score needs at least one image path\n" + USAGE);
            return 2;
        }
        ActorSystem<Void> client = clientSystem();
        try {
            ScoringServiceClient scoring = ScoringServiceClient.create(clientSettings(options, client), client);
            int failures = 0;
            for (String image : options.positional) {
                ScoreRequest request = ScoreRequest.newBuilder()
                        .setImage(ImageInput.newBuilder().setEncoded(ByteString.copyFrom(Files.readAllBytes(Path.of(image)))))
                        .setTask(options.value("--task", "score"))
                        .build();
                try {
                    ScoreReply reply = withToken(scoring.score(), options).invoke(request).toCompletableFuture()
                            .get(60, TimeUnit.SECONDS);
                    System.out.printf(Locale.ROOT, "%s\tscore %s\tversion %d\t%.1f ms\t%s%n", image,
                            reply.getAnswerParsed() ? String.format(Locale.ROOT, "%.2f", reply.getScore())
                                    : "unparsable (" + reply.getParseProblem() + ")",
                            reply.getServedBy().getWeightVersion(), reply.getServedBy().getLatencyMs(),
                            reply.getRationale());
                } catch (java.util.concurrent.ExecutionException e) {
                    failures++;
                    System.out.println(image + "\terror: " + e.getCause().getMessage());
                }
            }
            scoring.close();
            return failures == 0 ? 0 : 1;
        } finally {
            client.terminate();
        }
    }

    private static int status(Options options) throws Exception {
        ActorSystem<Void> client = clientSystem();
        try {
            AdminServiceClient admin = AdminServiceClient.create(clientSettings(options, client), client);
            StatusReply reply = withToken(admin.status(), options).invoke(StatusRequest.getDefaultInstance())
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            for (ClusterMember member : reply.getMembersList()) {
                System.out.println("member " + member.getAddress() + " " + member.getStatus() + " "
                        + member.getRolesList());
            }
            System.out.printf(Locale.ROOT,
                    "phase %s step %d/%d weight version %d workers %d reward %.3f format %.2f%n", reply.getPhase(),
                    reply.getTrainingStep(), reply.getTotalSteps(), reply.getWeightVersion(),
                    reply.getRolloutWorkers(), reply.getRewardMeans().getTotal(), reply.getFormatRate());
            admin.close();
            return 0;
        } finally {
            client.terminate();
        }
    }

    /** Adds "authorization: Bearer <token>" from --token or VISQ_GRPC_TOKEN, when one is given. */
    private static <I, O> akka.grpc.javadsl.SingleResponseRequestBuilder<I, O> withToken(
            akka.grpc.javadsl.SingleResponseRequestBuilder<I, O> call, Options options) {
        String token = options.value("--token", System.getenv().getOrDefault("VISQ_GRPC_TOKEN", ""));
        return token.isEmpty() ? call : call.addHeader("authorization", "Bearer " + token);
    }

    private static ActorSystem<Void> clientSystem() {
        return ActorSystem.create(Behaviors.empty(), "visq-client",
                ConfigFactory.parseString("akka.actor.provider = local\nakka.loglevel = WARNING")
                        .withFallback(ConfigFactory.defaultReference()));
    }

    private static GrpcClientSettings clientSettings(Options options, ActorSystem<?> system) {
        return GrpcClientSettings.connectToServiceAt(options.value("--host", "127.0.0.1"),
                Integer.parseInt(options.value("--port", "8080")), system)
                .withTls(false)
                .withDeadline(Duration.ofSeconds(60));
    }

    /** Parsed command-line options: {@code --name value} pairs, bare flags, {@code --set k=v} and positionals. */
    static final class Options {
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, String> overrides = new LinkedHashMap<>();
        final List<String> flags = new ArrayList<>();
        final List<String> positional = new ArrayList<>();

        static Options parse(List<String> args) {
            Options options = new Options();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--set")) {
                    String assignment = args.get(++i);
                    int eq = assignment.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set expects key=value, got '" + assignment + "'");
                    }
                    options.overrides.put(assignment.substring(0, eq), assignment.substring(eq + 1));
                } else if (arg.equals("--exit-when-done")) {
                    options.flags.add(arg);
                } else if (arg.startsWith("--")) {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("option " + arg + " needs a value");
                    }
                    options.values.put(arg, args.get(++i));
                } else {
                    options.positional.add(arg);
                }
            }
            return options;
        }

        String value(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }
    }
}
