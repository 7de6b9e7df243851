package visq.deploy.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import visq.actors.cluster.DataDirectories;
import visq.actors.cluster.ModelSettings;
import visq.actors.coordinator.TrainingSettings;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.InvalidImageException;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.PolicyModels;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.qwen.QwenModelConfig;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.PromptCatalogue;
import visq.gpu.tasks.QualityTask;
import visq.gpu.training.GrpoSample;

/**
 * {@code visq bench --only model [--model-checkpoint DIR]}: the configured policy ({@code visq.model}) on the CPU, on
 * one thread, next to a PyTorch peer doing the same work. Visq: rollouts/s and tokens/s generating G samples of one
 * image prompt (G and sampling as training has them, {@code TrainingSettings}: the preset's temperature 1, top-k 50,
 * top-p 1 by default, {@code visq.training.sampling.max-new-tokens}), and ms per GRPO
 * learner step over 4 groups × G responses ({@link PolicyThroughput}, as {@code visq bench} measures the compact
 * model). Both peers read the learner batch this bench writes ({@link PeerInput}) and first check that their
 * per-token log-probs of those responses equal Visq's within a tolerance
 * ({@value PeerInput#QWEN_LOG_PROB_TOLERANCE} for Qwen, {@value PeerInput#COMPACT_LOG_PROB_TOLERANCE} for the compact
 * model; no ratios otherwise), then time generation of G samples with eos disabled (so every response has the maximum
 * length) and one GRPO step on the same batch. For a Qwen checkpoint the peer is
 * {@code tools/qwen-reference/bench_peer.py} (transformers + peft; {@link QwenPeerInput}: prompt ids, pixel values, grid), timing {@code generate} and one LoRA
 * step with transformers' default attention ({@code sdpa}; {@value #PEER_ATTENTION_VARIABLE}{@code =eager} selects the
 * unfused one). For the compact model it is {@code tools/compact-reference/bench_peer.py} (torch only;
 * {@link CompactPeerInput}: the version-0 weight snapshot, the prepared prompt), which rebuilds the model from the
 * snapshot, also checks its cached decoder against Visq's behaviour log-probs, and times KV-cached sampling and a
 * full-parameter step in eager PyTorch. Every figure is a median of the repetitions; the ratios are Visq's time over
 * the peer's (> 1: Visq slower), recorded as {@code generation_vs_pytorch} and {@code learner_step_vs_pytorch};
 * generation is compared per generated token, since Visq's responses may end early. The two sides run one after the
 * other, so on a shared machine the wall-clock ratio moves with the other jobs; generation is also compared in CPU
 * time of the generating thread ({@code generation_cpu_vs_pytorch}, when the peer reports it).
 */
public final class ModelBench {
    /** The peer's transformers attention implementation: {@code sdpa} (its default for Qwen) or {@code eager}. */
    static final String PEER_ATTENTION_VARIABLE = "VISQ_PEER_ATTENTION";

    /** The longest the peer may run. */
    static final Duration PEER_TIMEOUT = Duration.ofMinutes(60);

    /** Visq's mean response length, as a fraction of the peer's fixed one, above which generation is like for like. */
    static final double COMPARABLE_LENGTH = 0.9;

    private final Config config;
    private final PrintStream out;
    private final Map<String, String> environment;
    private final Path image;
    private final Path workDirectory;
    private final BenchSummary summary;

    /**
     * @param environment where {@value PeerLauncher#PYTHON_VARIABLE} is looked up
     * @param image the image of the bench prompt (prepared as the model prepares images)
     * @param workDirectory where the peer's input and result files go
     * @param summary where the ratios go when the peer ran
     */
    public ModelBench(Config config, PrintStream out, Map<String, String> environment, Path image,
            Path workDirectory, BenchSummary summary) {
        this.config = config;
        this.out = out;
        this.environment = Map.copyOf(environment);
        this.image = image;
        this.workDirectory = workDirectory;
        this.summary = summary;
    }

    /** The bench as {@code visq bench} runs it: the shared CLIVE image 100.png, files under target/visq-bench. */
    public static ModelBench forCommandLine(Config config, PrintStream out, BenchSummary summary) {
        Path shared = DataDirectories.fromConfig(config).shared();
        return new ModelBench(config, out, System.getenv(), shared.resolve("data/clive/images/100.png"),
                Path.of("target", "visq-bench"), summary);
    }

    /**
     * Measures Visq, then the peer when it can run, and prints both and their ratios.
     *
     * @param repetitions timed groups and timed learner steps, each side
     * @throws IOException when the image cannot be read
     * @throws InvalidImageException when the image cannot be decoded
     */
    public void run(int repetitions) throws IOException, InvalidImageException {
        PolicyModelConfig model = ModelSettings.fromConfig(config);
        ImageTensor prepared = model.imagePreparation().preprocess(ImageDecoder.decode(image, ImageLimits.defaults()));
        PolicyPrompt prompt = PromptCatalogue.prompt(QualityTask.DEGRADATION, List.of(prepared));
        TrainingSettings training = TrainingSettings.fromConfig(config);
        int groupSize = training.groupSize();
        SamplingSettings sampling = training.sampling();
        out.printf(Locale.ROOT, "model bench: %s; G=%d, up to %d new tokens, temperature %s, top-k %d, top-p %s; "
                + "median of %d; %d cores, one thread%n", model.modelId(), groupSize, sampling.maxNewTokens(),
                sampling.temperature(), sampling.topK(), sampling.topP(), repetitions,
                Runtime.getRuntime().availableProcessors());
        PolicyThroughput.Result visq = PolicyThroughput.measure(model, prompt, groupSize, sampling, repetitions,
                repetitions);
        out.printf(Locale.ROOT, "visq generation: %.2f rollouts/s, %.1f tokens/s (median of %d groups of G=%d, %.1f "
                + "tokens per rollout; %.1f tokens per CPU-second of this thread)%n", visq.rolloutsPerSecond(),
                visq.tokensPerSecond(), visq.groups(), groupSize, visq.tokensPerRollout(), visq.tokensPerCpuSecond());
        out.printf(Locale.ROOT, "visq learner: %.1f ms per GRPO step (median of %d; %d rollouts: %d groups of G=%d; "
                + "policy forward+backward, reference forward, clip, AdamW)%n", visq.learnerMillis(), visq.steps(),
                visq.learnerBatch().size(), PolicyThroughput.LEARNER_GROUPS, groupSize);
        Path input = workDirectory.resolve("model-peer-input.json");
        Path resultFile = workDirectory.resolve("model-peer-result.json");
        Peer peer;
        try (PolicyModel base = PolicyModels.create(model, "cpu")) {
            List<float[]> logProbs = baseLogProbs(base, visq.learnerBatch());
            if (model instanceof QwenModelConfig) {
                peer = qwenPeer((QwenModelConfig) model, prompt, input, resultFile, groupSize, sampling, repetitions,
                        visq, logProbs);
            } else if (base instanceof CompactVisionLanguagePolicy) {
                peer = compactPeer((CompactVisionLanguagePolicy) base, prompt, input, resultFile, groupSize,
                        sampling, repetitions, visq, logProbs);
            } else {
                out.println("peer skipped: no PyTorch peer for visq.model.kind " + model.kind());
                return;
            }
        }
        PeerLauncher.Lookup lookup = PeerLauncher.locate(environment, peer.script());
        if (lookup.launcher().isEmpty()) {
            out.println("peer skipped: " + lookup.reason());
            return;
        }
        runPeer(lookup.launcher().get(), peer, resultFile, groupSize, visq);
    }

    /**
     * How one peer runs: its script, its arguments, and how its learner step and its generation differ in kind from
     * Visq's (printed next to its figures).
     */
    private record Peer(Path script, List<String> arguments, double tolerance, String learnerKind,
            String generationKind) {}

    private Peer qwenPeer(QwenModelConfig qwen, PolicyPrompt prompt, Path input, Path resultFile, int groupSize,
            SamplingSettings sampling, int repetitions, PolicyThroughput.Result visq, List<float[]> logProbs) {
        QwenPeerInput.EncodedPrompt encoded = QwenPeerInput.encode(qwen, prompt);
        QwenPeerInput.write(input, qwen, encoded, groupSize, sampling, visq.learnerBatch(), logProbs);
        out.printf(Locale.ROOT, "peer input: %s (prompt of %d tokens, %d image(s), %d responses)%n",
                input.toAbsolutePath(), encoded.ids().length, encoded.images().size(), visq.learnerBatch().size());
        String attention = environment.getOrDefault(PEER_ATTENTION_VARIABLE, "sdpa");
        List<String> arguments = List.of("--checkpoint", qwen.checkpoint().directory().toAbsolutePath().toString(),
                "--group", Integer.toString(groupSize), "--new-tokens", Integer.toString(sampling.maxNewTokens()),
                "--prompt-json", input.toAbsolutePath().toString(), "--repetitions", Integer.toString(repetitions),
                "--result-json", resultFile.toAbsolutePath().toString(), "--attention", attention);
        String learner = String.format(Locale.ROOT, "peft LoRA r=%d alpha=%s on %s", qwen.lora().rank(),
                formatted(qwen.lora().alpha()), String.join(",", qwen.lora().targets()));
        return new Peer(PeerLauncher.QWEN_SCRIPT, arguments, PeerInput.QWEN_LOG_PROB_TOLERANCE, learner,
                "transformers generate, " + attention + " attention");
    }

    private Peer compactPeer(CompactVisionLanguagePolicy base, PolicyPrompt prompt, Path input, Path resultFile,
            int groupSize, SamplingSettings sampling, int repetitions, PolicyThroughput.Result visq,
            List<float[]> logProbs) {
        Path weights = workDirectory.resolve("model-peer-weights.bin");
        CompactPeerInput.write(input, weights, base, prompt, groupSize, sampling, visq.learnerBatch(), logProbs);
        out.printf(Locale.ROOT, "peer input: %s (weight snapshot %s, %d image(s), %d responses)%n",
                input.toAbsolutePath(), weights.toAbsolutePath(), prompt.images().size(), visq.learnerBatch().size());
        List<String> arguments = List.of("--prompt-json", input.toAbsolutePath().toString(), "--group",
                Integer.toString(groupSize), "--new-tokens", Integer.toString(sampling.maxNewTokens()),
                "--repetitions", Integer.toString(repetitions), "--result-json",
                resultFile.toAbsolutePath().toString());
        String learner = String.format(Locale.ROOT, "all %d parameters, torch.optim.AdamW, clip_grad_norm_",
                base.parameterCount());
        return new Peer(PeerLauncher.COMPACT_SCRIPT, arguments, PeerInput.COMPACT_LOG_PROB_TOLERANCE, learner,
                "KV-cached decoding in eager PyTorch, torch.multinomial");
    }

    private void runPeer(PeerLauncher launcher, Peer plan, Path resultFile, int groupSize,
            PolicyThroughput.Result visq) {
        try {
            Files.deleteIfExists(resultFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the old peer result " + resultFile, e);
        }
        PeerLauncher.Outcome outcome = launcher.run(plan.arguments(), PEER_TIMEOUT);
        if (outcome.exitCode() != 0 || !Files.isRegularFile(resultFile)) {
            out.println("peer failed (" + launcher.python() + ", exit " + outcome.exitCode() + "); no ratios. Its last "
                    + "lines:");
            outcome.tail(15).forEach(line -> out.println("  | " + line));
            return;
        }
        PeerResult peer = PeerResult.read(resultFile);
        String decode = peer.decodeLogProbDifference().isPresent() ? String.format(Locale.ROOT,
                "; its cached decoding of Visq's samples gives their behaviour log-probs up to %.2g away",
                peer.decodeLogProbDifference().getAsDouble()) : "";
        if (!peer.sameModel()) {
            out.printf(Locale.ROOT, "peer is not the same model: %s gives per-token log-probs up to %.3g away from "
                    + "Visq's%s (tolerance %.0e, %d tokens); no ratios%n", peer.versions(),
                    peer.maxLogProbDifference(), decode, plan.tolerance(), peer.comparedTokens());
            return;
        }
        double rollouts = Median.of(peer.rolloutsPerSecond());
        double tokens = Median.of(peer.tokensPerSecond());
        double learner = Median.of(peer.learnerMillis());
        out.printf(Locale.ROOT, "peer model check: %s reproduces Visq's log-probs of the %d responses (max |diff| "
                + "%.2g over %d tokens%s; tolerance %.0e)%n", peer.versions(), visq.learnerBatch().size(),
                peer.maxLogProbDifference(), peer.comparedTokens(), decode, plan.tolerance());
        out.printf(Locale.ROOT, "peer generation: %.2f rollouts/s, %.1f tokens/s (median of %d groups of G=%d, %.1f "
                + "tokens per rollout, eos disabled; %s)%n", rollouts, tokens, peer.rolloutsPerSecond().size(),
                groupSize, peer.tokensPerRollout(), plan.generationKind());
        out.printf(Locale.ROOT, "peer learner: %.1f ms per GRPO step (median of %d; the same %d responses, %s)%n",
                learner, peer.learnerMillis().size(), visq.learnerBatch().size(), plan.learnerKind());
        out.printf(Locale.ROOT, "ratio Visq/peer (time; > 1 = Visq slower): generation per token %.2f, per rollout "
                + "%.2f (Visq %.1f vs peer %.1f tokens per rollout), learner step %.2f%n",
                tokens / visq.tokensPerSecond(), rollouts / visq.rolloutsPerSecond(), visq.tokensPerRollout(),
                peer.tokensPerRollout(), visq.learnerMillis() / learner);
        summary.record(BenchSummary.Key.GENERATION_VS_PYTORCH, tokens / visq.tokensPerSecond());
        if (!peer.tokensPerCpuSecond().isEmpty() && !Double.isNaN(visq.tokensPerCpuSecond())) {
            double peerCpu = Median.of(peer.tokensPerCpuSecond());
            out.printf(Locale.ROOT, "ratio Visq/peer in CPU time of the generating thread (what the other jobs on a "
                    + "shared machine barely move): generation per token %.2f (Visq %.1f vs peer %.1f tokens per "
                    + "CPU-second)%n", peerCpu / visq.tokensPerCpuSecond(), visq.tokensPerCpuSecond(), peerCpu);
            summary.record(BenchSummary.Key.GENERATION_CPU_VS_PYTORCH, peerCpu / visq.tokensPerCpuSecond());
        }
        summary.record(BenchSummary.Key.LEARNER_STEP_VS_PYTORCH, visq.learnerMillis() / learner);
        if (visq.tokensPerRollout() < COMPARABLE_LENGTH * peer.tokensPerRollout()) {
            out.printf(Locale.ROOT, "note: Visq's responses ended at eos after %.0f%% of the peer's length, so the "
                    + "generation ratios bracket the truth: per token it is against Visq (its batch shrinks as rows "
                    + "finish, the peer's never does), per rollout in its favour%n",
                    100 * visq.tokensPerRollout() / peer.tokensPerRollout());
        }
    }

    /** Each response's per-token log-probs at temperature 1 under {@code base}, a fresh policy (version 0). */
    private static List<float[]> baseLogProbs(PolicyModel base, List<GrpoSample> batch) {
        List<PolicyPrompt> prompts = new ArrayList<>(batch.size());
        List<int[]> responses = new ArrayList<>(batch.size());
        for (GrpoSample sample : batch) {
            prompts.add(sample.prompt());
            responses.add(sample.tokens());
        }
        try (NDManager scope = NDManager.newBaseManager(base.device())) {
            NDArray logProbs = base.responseLogProbs(scope, prompts, responses, 1.0);
            int width = Math.toIntExact(logProbs.getShape().get(1));
            float[] flat = logProbs.toFloatArray();
            List<float[]> rows = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                rows.add(Arrays.copyOfRange(flat, i * width, i * width + responses.get(i).length));
            }
            return rows;
        }
    }

    private static String formatted(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
