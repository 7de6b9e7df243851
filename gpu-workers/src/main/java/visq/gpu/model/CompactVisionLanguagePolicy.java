package visq.gpu.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import visq.gpu.generation.DecodingSession;
import visq.gpu.generation.KvCache;
import visq.gpu.generation.SamplingLoop;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageTensor;
import visq.gpu.ndarray.ScalarArrays;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;

/**
 * A compact vision-language policy of our own that trains on a CPU in minutes: a patch encoder and a small pre-norm
 * causal transformer, written functionally over NDArrays the model holds as parameters.
 *
 * <h2>Sequence</h2>
 * {@code [image tokens of image 1][image 2]...[task token][<bos>][response tokens]}. An image token is a linear
 * projection of one {@code patchSize x patchSize} RGB patch (values scaled to [-1, 1]) plus a learned patch
 * position and a learned image slot (reference / Image A / Image B). A model configured with image statistics adds,
 * after all patch tokens, one token per image: a linear projection of its {@link visq.gpu.image.ImageStatistics}
 * (natural-scene statistics at native resolution) plus a learned position and the image's slot. The long system and user texts of
 * {@link visq.gpu.tasks.PromptCatalogue} are <em>not</em> fed: one learned task token per {@link QualityTask}
 * stands for them, which saves hundreds of positions per sample on a CPU. A Qwen2-VL implementation feeds the full
 * chat template instead (see {@link PolicyModel}). Text positions (task token 0, {@code <bos>} 1, response token t
 * at 2 + t) have learned absolute embeddings. The LM head is separate from the token embedding.
 *
 * <h2>Block</h2>
 * {@code h += Wo · attention(LN(h))}, {@code h += W2 · gelu(W1 · LN(h))}, then a final LN and the head. Attention is
 * causal over the whole sequence (image tokens included).
 *
 * <h2>Numerics and memory</h2>
 * float32 throughout. Version-0 weights are drawn in Java from {@link SplittableRandom}s seeded by
 * {@code config.initSeed()} and each parameter's name (Box-Muller normals), so every node builds identical weights.
 * Parameters live in one model-owned manager; {@link #responseLogProbs} works on per-call copies attached to the
 * caller's scope (gradients flow through the copy); generation works on detached views in a generation scope, one
 * {@link NDScope} per step, and a {@link KvCache} that holds one copy of keys and values.
 */
public final class CompactVisionLanguagePolicy implements PolicyModel {

    /** The most images a prompt may carry (the comparison task: reference, Image A, Image B). */
    public static final int MAX_IMAGES = 3;

    private final CompactModelConfig config;
    private final Device device;
    private final CompactTokenizer tokenizer;
    private final NDManager manager;
    private final List<CompactParameterSpec> specs;
    private final CompactTransformer forward;
    private final PolicyDecoding decoding;
    private final WeightSnapshotCodec codec;
    /** Every tensor of the model in spec order: what snapshots carry. */
    private final List<NDArray> parameters;
    /** The tensors training updates (all but the frozen priors). */
    private final List<NDArray> trainable;
    private long weightVersion;

    private CompactVisionLanguagePolicy(CompactModelConfig config, Device device) {
        this.config = config;
        this.device = device;
        this.tokenizer = CompactTokenizer.instance();
        this.manager = NDManager.newBaseManager(device);
        this.specs = CompactParameterSpec.all(config, tokenizer.vocabularySize());
        this.forward = new CompactTransformer(config);
        List<NDArray> created = new ArrayList<>();
        List<NDArray> updated = new ArrayList<>();
        try {
            for (CompactParameterSpec spec : specs) {
                NDArray array = manager.create(spec.initialValues(config.initSeed()), spec.shape());
                array.setName(spec.name());
                if (spec.trainable()) {
                    array.setRequiresGradient(true);
                    updated.add(array);
                }
                created.add(array);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.parameters = Collections.unmodifiableList(created);
        this.trainable = Collections.unmodifiableList(updated);
        this.decoding = new PolicyDecoding(
                prompts -> new CompactCachedSession(
                        prompts, manager, this::detachedWeights, config, tokenizer, forward),
                tokenizer);
        List<Shape> shapes = new ArrayList<>(specs.size());
        for (CompactParameterSpec spec : specs) {
            shapes.add(spec.shape());
        }
        List<String> names = specs.stream().map(CompactParameterSpec::name).toList();
        this.codec = new WeightSnapshotCodec(config.modelId(), config.toJson(), names, shapes);
    }

    /** A model with version-0 weights drawn from {@code config.initSeed()}, on {@code device}. */
    public static CompactVisionLanguagePolicy create(CompactModelConfig config, Device device) {
        return new CompactVisionLanguagePolicy(config, device);
    }

    public CompactModelConfig config() {
        return config;
    }

    @Override
    public String modelId() {
        return config.modelId();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public CompactTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public long weightVersion() {
        return weightVersion;
    }

    @Override
    public void setWeightVersion(long version) {
        this.weightVersion = version;
    }

    @Override
    public List<NDArray> trainableParameters() {
        return trainable;
    }

    @Override
    public List<String> trainableParameterNames() {
        return specs.stream().filter(CompactParameterSpec::trainable).map(CompactParameterSpec::name).toList();
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        long count = 0;
        for (CompactParameterSpec spec : specs) {
            if (spec.trainable()) {
                count += spec.shape().size();
            }
        }
        return count;
    }

    /** The frozen quality prior of a model with {@link CompactModelConfig#hasQualityPrior()}; empty otherwise. */
    public Optional<CompactQualityPrior> qualityPrior() {
        if (!config.hasQualityPrior()) {
            return Optional.empty();
        }
        List<String> names = specs.stream().map(CompactParameterSpec::name).toList();
        return Optional.of(new CompactQualityPrior(parameters.get(names.indexOf(CompactParameterSpec.PRIOR_WEIGHT)),
                parameters.get(names.indexOf(CompactParameterSpec.PRIOR_BIAS))));
    }

    /** The frozen degradation prior of a model with {@link CompactModelConfig#hasDegradationPrior()}; empty otherwise. */
    public Optional<CompactDegradationPrior> degradationPrior() {
        if (!config.hasDegradationPrior()) {
            return Optional.empty();
        }
        List<String> names = specs.stream().map(CompactParameterSpec::name).toList();
        return Optional.of(new CompactDegradationPrior(
                parameters.get(names.indexOf(CompactParameterSpec.DEGRADATION_PRIOR_WEIGHT)),
                parameters.get(names.indexOf(CompactParameterSpec.DEGRADATION_PRIOR_BIAS))));
    }

    @Override
    public int liveArrayCount() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void zeroGradients() {
        TrainableTensors.zeroGradients(trainable);
    }

    // ------------------------------------------------------------------------------------------------ generation

    @Override
    public List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        requireFits(prompt, sampling.maxNewTokens());
        return decoding.group(prompt, count, sampling, seed);
    }

    /** Prompts of one image count have the same length: they are prefilled as rows of one batch. */
    @Override
    public List<GeneratedResponse> answerAll(List<PolicyPrompt> prompts, SamplingSettings sampling, long seed) {
        for (PolicyPrompt prompt : prompts) {
            requireFits(prompt, sampling.maxNewTokens());
        }
        return decoding.perPrompt(prompts, prompt -> prompt.images().size(), sampling, seed);
    }

    /** Generation that recomputes the whole sequence at every step (no KV cache): the reference for tests. */
    List<GeneratedResponse> generateWithoutCache(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        requireFits(prompt, sampling.maxNewTokens());
        try (DecodingSession session =
                new CompactRecomputingSession(prompt, manager, this::detachedWeights, tokenizer, forward)) {
            return decoding.toResponses(SamplingLoop.run(session, count, sampling, seed, tokenizer.eosId()));
        }
    }

    // ------------------------------------------------------------------------------------------------ scoring

    @Override
    public NDArray responseLogProbs(
            NDManager scope, List<PolicyPrompt> prompts, List<int[]> responses, double temperature) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("responseLogProbs needs at least one prompt");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        int batch = prompts.size();
        int longest = 0;
        for (int i = 0; i < batch; i++) {
            int[] response = responses.get(i);
            for (int id : response) {
                if (id < 0 || id >= tokenizer.vocabularySize()) {
                    throw new IllegalArgumentException("response " + i + " has token id " + id + " outside vocabulary");
                }
            }
            requireFits(prompts.get(i), response.length);
            longest = Math.max(longest, response.length);
        }
        if (longest == 0) {
            return scope.zeros(new Shape(batch, 0), DataType.FLOAT32, device);
        }
        // one forward per prompt length (image count): rows of one group share the prompt layout, so only the
        // response side needs padding, and right padding cannot leak into earlier positions under causal attention
        List<List<Integer>> groups = LayoutBatches.group(prompts, prompt -> prompt.images().size());
        CompactWeights weights = trainingWeights(scope);
        if (groups.size() == 1) {
            return groupLogProbs(scope, weights, prompts, responses, groups.get(0), longest, temperature);
        }
        NDArray[] rows = new NDArray[batch];
        for (List<Integer> group : groups) {
            NDArray logProbs = groupLogProbs(scope, weights, prompts, responses, group, longest, temperature);
            for (int g = 0; g < group.size(); g++) {
                rows[group.get(g)] = logProbs.get(g);
            }
        }
        return NDArrays.stack(new NDList(rows), 0);
    }

    @Override
    public NDArray sequenceNegativeLogLikelihood(NDManager scope, List<PolicyPrompt> prompts, List<int[]> targets) {
        long tokens = 0;
        for (int[] target : targets) {
            tokens += target.length;
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("targets hold no tokens");
        }
        return responseLogProbs(scope, prompts, targets, 1.0).sum().neg().div(ScalarArrays.of(scope, tokens));
    }

    /** {@code [group, width]} log-probabilities of the rows {@code group}, zero beyond each response. */
    private NDArray groupLogProbs(
            NDManager scope,
            CompactWeights weights,
            List<PolicyPrompt> prompts,
            List<int[]> responses,
            List<Integer> group,
            int width,
            double temperature) {
        int rows = group.size();
        int length = 0;
        for (int index : group) {
            length = Math.max(length, responses.get(index).length);
        }
        if (length == 0) {
            return scope.zeros(new Shape(rows, width), DataType.FLOAT32, device);
        }
        long[] inputs = new long[rows * length];
        List<PolicyPrompt> groupPrompts = new ArrayList<>(rows);
        List<int[]> groupResponses = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] response = responses.get(group.get(r));
            groupPrompts.add(prompts.get(group.get(r)));
            groupResponses.add(response);
            for (int t = 0; t < length; t++) {
                inputs[r * length + t] =
                        t == 0 ? tokenizer.bosId() : t - 1 < response.length ? response[t - 1] : tokenizer.padId();
            }
        }
        NDArray x = forward.embedSequence(scope, weights, groupPrompts, inputs, length);
        NDArray hidden = forward.transformer(weights, x, null);
        long total = hidden.getShape().get(1);
        NDArray responseHidden = hidden.get(":, {}:, :", total - length);
        NDArray logProbs = TokenLogProbs.select(
                scope, forward.logits(weights, responseHidden), groupResponses, tokenizer.padId(), temperature);
        if (length < width) {
            logProbs = logProbs.concat(scope.zeros(new Shape(rows, width - length), DataType.FLOAT32, device), 1);
        }
        return logProbs;
    }

    private void requireFits(PolicyPrompt prompt, int responseTokens) {
        if (prompt.images().size() > MAX_IMAGES) {
            throw new IllegalArgumentException(
                    "the compact model takes at most " + MAX_IMAGES + " images, got " + prompt.images().size());
        }
        for (ImageTensor image : prompt.images()) {
            if (image.height() != config.imageHeight() || image.width() != config.imageWidth()) {
                throw new IllegalArgumentException("image " + image.height() + "x" + image.width()
                        + " does not match the model's " + config.imageHeight() + "x" + config.imageWidth()
                        + ": resize it first (prompts are never truncated)");
            }
            if (config.imageStatistics() > 0 && image.statisticsCount() != config.imageStatistics()) {
                throw new IllegalArgumentException("image carries " + image.statisticsCount()
                        + " statistics, the model needs " + config.imageStatistics()
                        + ": prepare images with the model's preprocessing (statistics on)");
            }
        }
        int length = config.sequencePositions(prompt.images().size(), Math.max(1, responseTokens));
        if (length > config.maxSequence()) {
            throw new IllegalArgumentException("prompt of " + prompt.images().size() + " image(s) plus "
                    + responseTokens + " response tokens needs " + length + " positions, the model has "
                    + config.maxSequence() + " (prompts are never truncated)");
        }
    }

    /**
     * {@code prompt} as the forward pass reads it (after the same checks as generation): what a reimplementation of
     * this model needs besides the weights.
     */
    public CompactPromptInputs promptInputs(PolicyPrompt prompt) {
        requireFits(prompt, 0);
        List<PolicyPrompt> rows = List.of(prompt);
        return new CompactPromptInputs(prompt.task().ordinal(), prompt.images().size(), forward.patchRows(rows),
                config.imageStatistics() > 0 ? forward.statisticsRows(rows) : new float[0]);
    }

    // ------------------------------------------------------------------------------------------------ weights

    @Override
    public EncodedWeights exportWeights(long version) {
        return codec.encode(parameters, version);
    }

    @Override
    public void importWeights(EncodedWeights weights) {
        codec.decodeInto(weights, parameters);
        weightVersion = weights.version();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Copies of the parameters in {@code scope} through which gradients flow back to the parameters. */
    private CompactWeights trainingWeights(NDManager scope) {
        return new CompactWeights(TrainableTensors.trainingCopies(parameters, scope), config);
    }

    /** Views of the parameters without autograd history, owned by {@code scope}: nothing is recorded through them. */
    private CompactWeights detachedWeights(NDManager scope) {
        return new CompactWeights(TrainableTensors.detachedViews(parameters, scope), config);
    }
}
