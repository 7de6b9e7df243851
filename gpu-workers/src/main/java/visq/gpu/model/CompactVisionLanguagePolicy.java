package visq.gpu.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import visq.gpu.generation.DecodingSession;
import visq.gpu.generation.KvCache;
import visq.gpu.generation.SampledSequence;
import visq.gpu.generation.SamplingLoop;
import visq.gpu.image.ImageTensor;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.tasks.QualityTask;
import visq.protocol.artifacts.TensorEntry;
import visq.protocol.artifacts.WeightSnapshot;

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

    private static final float NORM_EPS = 1e-5f;
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final Device device;
    private final CompactTokenizer tokenizer;
    private final NDManager manager;
    private final List<ParameterSpec> specs;
    private final List<NDArray> parameters;
    private long weightVersion;

    private CompactVisionLanguagePolicy(ModelConfig config, Device device) {
        this.config = config;
        this.device = device;
        this.tokenizer = CompactTokenizer.instance();
        this.manager = NDManager.newBaseManager(device);
        this.specs = parameterSpecs(config, tokenizer.vocabularySize());
        List<NDArray> created = new ArrayList<>();
        try {
            for (ParameterSpec spec : specs) {
                NDArray array = manager.create(spec.initialValues(config.initSeed()), spec.shape());
                array.setName(spec.name());
                array.setRequiresGradient(true);
                created.add(array);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.parameters = Collections.unmodifiableList(created);
    }

    /** A model with version-0 weights drawn from {@code config.initSeed()}, on {@code device}. */
    public static CompactVisionLanguagePolicy create(ModelConfig config, Device device) {
        return new CompactVisionLanguagePolicy(config, device);
    }

    public ModelConfig config() {
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
        return parameters;
    }

    @Override
    public List<String> trainableParameterNames() {
        List<String> names = new ArrayList<>(specs.size());
        for (ParameterSpec spec : specs) {
            names.add(spec.name());
        }
        return names;
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        long count = 0;
        for (ParameterSpec spec : specs) {
            count += spec.shape().size();
        }
        return count;
    }

    /** Arrays alive under the model's manager (parameters plus anything not yet freed): a leak detector. */
    public int liveArrayCount() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void zeroGradients() {
        for (NDArray parameter : parameters) {
            if (parameter.hasGradient()) {
                try (NDArray gradient = parameter.getGradient()) {
                    gradient.subi(gradient);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ generation

    @Override
    public List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        requireFits(prompt, sampling.maxNewTokens());
        try (DecodingSession session = new CachedSession(List.of(prompt))) {
            return toResponses(SamplingLoop.run(session, count, sampling, seed, tokenizer.eosId()));
        }
    }

    @Override
    public List<GeneratedResponse> answerAll(List<PolicyPrompt> prompts, SamplingSettings sampling, long seed) {
        for (PolicyPrompt prompt : prompts) {
            requireFits(prompt, sampling.maxNewTokens());
        }
        // the prompt length depends only on the image count: rows of one sub-batch stay aligned position by position
        Map<Integer, List<Integer>> layouts = new TreeMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            layouts.computeIfAbsent(prompts.get(i).images().size(), k -> new ArrayList<>()).add(i);
        }
        GeneratedResponse[] out = new GeneratedResponse[prompts.size()];
        for (List<Integer> rows : layouts.values()) {
            List<PolicyPrompt> batch = new ArrayList<>(rows.size());
            for (int index : rows) {
                batch.add(prompts.get(index));
            }
            try (DecodingSession session = new CachedSession(batch)) {
                List<GeneratedResponse> answers = toResponses(
                        SamplingLoop.runPerPrompt(session, batch.size(), sampling, seed, tokenizer.eosId()));
                for (int r = 0; r < rows.size(); r++) {
                    out[rows.get(r)] = answers.get(r);
                }
            }
        }
        return List.of(out);
    }

    /** Generation that recomputes the whole sequence at every step (no KV cache): the reference for tests. */
    List<GeneratedResponse> generateWithoutCache(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        requireFits(prompt, sampling.maxNewTokens());
        try (DecodingSession session = new RecomputingSession(prompt)) {
            return toResponses(SamplingLoop.run(session, count, sampling, seed, tokenizer.eosId()));
        }
    }

    private List<GeneratedResponse> toResponses(List<SampledSequence> sequences) {
        List<GeneratedResponse> out = new ArrayList<>(sequences.size());
        for (SampledSequence s : sequences) {
            int[] ids = s.tokenIds();
            int textLength = s.finished() ? ids.length - 1 : ids.length;
            String text = tokenizer.decode(java.util.Arrays.copyOf(ids, textLength));
            out.add(new GeneratedResponse(text, ids, s.logProbs(), s.finished()));
        }
        return out;
    }

    /**
     * Prefill once, then one token per row per step. Over one prompt, the prefill runs at batch 1 and the cache is
     * repeated for the rows (the samples of a group); over several prompts of one image count, row r is prompt r and
     * the prefill runs them as one batch.
     */
    private final class CachedSession implements DecodingSession {
        private final List<PolicyPrompt> prompts;
        private final NDManager scope;
        private final Weights weights;
        private final KvCache cache;
        private int textPosition;

        CachedSession(List<PolicyPrompt> prompts) {
            this.prompts = List.copyOf(prompts);
            this.scope = manager.newSubManager();
            this.weights = detachedWeights(scope);
            this.cache = new KvCache(scope, config.layers());
        }

        @Override
        public float[] start(int rows) {
            boolean perPrompt = prompts.size() > 1;
            if (perPrompt && rows != prompts.size()) {
                throw new IllegalArgumentException(prompts.size() + " prompts cannot start " + rows + " rows");
            }
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                int batch = prompts.size();
                long[] bos = new long[batch];
                java.util.Arrays.fill(bos, tokenizer.bosId());
                NDArray x = embedSequence(scope, weights, prompts, bos, 1);
                NDArray hidden = transformer(weights, x, cache);
                long length = hidden.getShape().get(1);
                float[] logits = logits(weights, hidden.get(":, {}:, :", length - 1)).toFloatArray();
                if (!perPrompt && rows > 1) {
                    cache.repeatRows(rows);
                }
                textPosition = 2;
                return logits;
            }
        }

        @Override
        public float[] advance(int[] tokens) {
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                long[] ids = new long[tokens.length];
                for (int i = 0; i < tokens.length; i++) {
                    ids[i] = tokens[i];
                }
                NDArray x = weights.tokenEmbedding
                        .get(scope.create(ids, new Shape(tokens.length, 1)))
                        .add(weights.positionEmbedding.get("{}:{}", textPosition, textPosition + 1));
                float[] logits = logits(weights, transformer(weights, x, cache)).toFloatArray();
                textPosition++;
                return logits;
            }
        }

        @Override
        public void retainRows(int[] rows) {
            cache.retainRows(rows);
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    /** Recomputes prompt plus every token so far at each step. */
    private final class RecomputingSession implements DecodingSession {
        private final PolicyPrompt prompt;
        private final NDManager scope;
        private final Weights weights;
        private List<List<Integer>> rows = new ArrayList<>();

        RecomputingSession(PolicyPrompt prompt) {
            this.prompt = prompt;
            this.scope = manager.newSubManager();
            this.weights = detachedWeights(scope);
        }

        @Override
        public float[] start(int count) {
            for (int i = 0; i < count; i++) {
                rows.add(new ArrayList<>());
            }
            return lastLogits(1);
        }

        @Override
        public float[] advance(int[] tokens) {
            for (int r = 0; r < tokens.length; r++) {
                rows.get(r).add(tokens[r]);
            }
            return lastLogits(rows.size());
        }

        private float[] lastLogits(int count) {
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                int length = 1 + rows.get(0).size();
                long[] ids = new long[count * length];
                for (int r = 0; r < count; r++) {
                    ids[r * length] = tokenizer.bosId();
                    for (int t = 1; t < length; t++) {
                        ids[r * length + t] = rows.get(r).get(t - 1);
                    }
                }
                NDArray x = embedSequence(scope, weights, Collections.nCopies(count, prompt), ids, length);
                NDArray hidden = transformer(weights, x, null);
                long total = hidden.getShape().get(1);
                return logits(weights, hidden.get(":, {}:, :", total - 1)).toFloatArray();
            }
        }

        @Override
        public void retainRows(int[] keep) {
            List<List<Integer>> kept = new ArrayList<>();
            for (int r : keep) {
                kept.add(rows.get(r));
            }
            rows = kept;
        }

        @Override
        public void close() {
            scope.close();
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
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < batch; i++) {
            groups.computeIfAbsent(prompts.get(i).images().size(), k -> new ArrayList<>()).add(i);
        }
        Weights weights = trainingWeights(scope);
        if (groups.size() == 1) {
            return groupLogProbs(scope, weights, prompts, responses, groups.values().iterator().next(), longest,
                    temperature);
        }
        NDArray[] rows = new NDArray[batch];
        for (List<Integer> group : groups.values()) {
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
            Weights weights,
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
        long[] targets = new long[rows * length];
        float[] mask = new float[rows * length];
        List<PolicyPrompt> groupPrompts = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] response = responses.get(group.get(r));
            groupPrompts.add(prompts.get(group.get(r)));
            for (int t = 0; t < length; t++) {
                int at = r * length + t;
                inputs[at] = t == 0 ? tokenizer.bosId() : t - 1 < response.length ? response[t - 1] : tokenizer.padId();
                if (t < response.length) {
                    targets[at] = response[t];
                    mask[at] = 1f;
                } else {
                    targets[at] = tokenizer.padId();
                }
            }
        }
        NDArray x = embedSequence(scope, weights, groupPrompts, inputs, length);
        NDArray hidden = transformer(weights, x, null);
        long total = hidden.getShape().get(1);
        NDArray responseHidden = hidden.get(":, {}:, :", total - length);
        NDArray logProbs = logits(weights, responseHidden)
                .div(ScalarArrays.of(scope, temperature))
                .logSoftmax(2)
                .gather(scope.create(targets, new Shape(rows, length, 1)), 2)
                .squeeze(2)
                .mul(scope.create(mask, new Shape(rows, length)));
        if (length < width) {
            logProbs = logProbs.concat(scope.zeros(new Shape(rows, width - length), DataType.FLOAT32, device), 1);
        }
        return logProbs;
    }

    // ------------------------------------------------------------------------------------------------ forward

    /**
     * {@code [rows, imageTokens + statistics tokens + 1 + length, dModel]}: the prompt of each row followed by {@code length} text ids
     * (row-major in {@code textIds}), the first of which is {@code <bos>}. All rows have the same image count.
     */
    private NDArray embedSequence(NDManager scope, Weights w, List<PolicyPrompt> rows, long[] textIds, int length) {
        int count = rows.size();
        int images = rows.get(0).images().size();
        int perImage = config.patchesPerImage();
        int imageTokens = images * perImage;
        int patchValues = config.patchValues();
        int d = config.dModel();
        float[] patches = new float[count * imageTokens * patchValues];
        long[] tasks = new long[count];
        for (int r = 0; r < count; r++) {
            PolicyPrompt prompt = rows.get(r);
            tasks[r] = prompt.task().ordinal();
            for (int i = 0; i < images; i++) {
                writePatches(prompt.images().get(i), patches, (r * imageTokens + i * perImage) * patchValues);
            }
        }
        NDArray imagePositions = w.patchPosition
                .reshape(1, perImage, d)
                .add(w.imageSlot.get("0:{}", images).reshape(images, 1, d))
                .reshape(imageTokens, d);
        NDArray imageEmbedding = scope.create(patches, new Shape(count, imageTokens, patchValues))
                .matMul(w.patchWeight)
                .add(w.patchBias)
                .add(imagePositions);
        NDArray taskEmbedding = w.taskEmbedding
                .get(scope.create(tasks))
                .add(w.positionEmbedding.get("0:1"))
                .reshape(count, 1, d);
        NDArray textEmbedding = w.tokenEmbedding
                .get(scope.create(textIds, new Shape(count, length)))
                .add(w.positionEmbedding.get("1:{}", 1 + length));
        if (w.statisticsWeight != null) {
            imageEmbedding = imageEmbedding.concat(statisticsEmbedding(scope, w, rows), 1);
        }
        return NDArrays.concat(new NDList(imageEmbedding, taskEmbedding, textEmbedding), 1);
    }

    /** {@code [rows, images, dModel]}: one token per image from its statistics, after all patch tokens. */
    private NDArray statisticsEmbedding(NDManager scope, Weights w, List<PolicyPrompt> rows) {
        int count = rows.size();
        int images = rows.get(0).images().size();
        int perImage = config.imageStatistics();
        float[] statistics = new float[count * images * perImage];
        for (int r = 0; r < count; r++) {
            for (int i = 0; i < images; i++) {
                ImageTensor image = rows.get(r).images().get(i);
                for (int k = 0; k < perImage; k++) {
                    statistics[(r * images + i) * perImage + k] = image.statisticAt(k);
                }
            }
        }
        return scope.create(statistics, new Shape(count, images, perImage))
                .matMul(w.statisticsWeight)
                .add(w.statisticsBias)
                .add(w.statisticsPosition)
                .add(w.imageSlot.get("0:{}", images));
    }

    /**
     * Image patches as rows: patch index row-major over the grid; per patch the RGB values scaled to [-1, 1], then
     * the local detail magnitude (|pixel − mean of its 4 neighbours|, ×4) and the gradient magnitude
     * (|∂x| + |∂y|, ×2) of each channel. The two magnitude maps are fixed non-linear features a linear patch
     * projection cannot compute itself; they make noise, blur and block artefacts visible to the encoder.
     */
    private void writePatches(ImageTensor image, float[] out, int offset) {
        int p = config.patchSize();
        int height = image.height();
        int width = image.width();
        float[] values = image.toFloats();
        float[][] maps = {new float[values.length], new float[values.length], new float[values.length]};
        for (int c = 0; c < ImageTensor.CHANNELS; c++) {
            int base = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = base + y * width + x;
                    float v = values[at];
                    float up = values[base + Math.max(0, y - 1) * width + x];
                    float down = values[base + Math.min(height - 1, y + 1) * width + x];
                    float left = values[base + y * width + Math.max(0, x - 1)];
                    float right = values[base + y * width + Math.min(width - 1, x + 1)];
                    maps[0][at] = v * 2f - 1f;
                    maps[1][at] = 4f * Math.abs(v - (up + down + left + right) / 4f);
                    maps[2][at] = 2f * (Math.abs(right - left) + Math.abs(down - up)) / 2f;
                }
            }
        }
        int columns = width / p;
        int gridRows = height / p;
        int at = offset;
        for (int gy = 0; gy < gridRows; gy++) {
            for (int gx = 0; gx < columns; gx++) {
                for (float[] map : maps) {
                    for (int c = 0; c < ImageTensor.CHANNELS; c++) {
                        for (int y = 0; y < p; y++) {
                            int row = (c * height + gy * p + y) * width + gx * p;
                            System.arraycopy(map, row, out, at, p);
                            at += p;
                        }
                    }
                }
            }
        }
        assert at == offset + gridRows * columns * config.patchValues();
    }

    /** The residual stream after every block; appends to {@code cache} when given (else attends within x only). */
    private NDArray transformer(Weights w, NDArray x, KvCache cache) {
        long rows = x.getShape().get(0);
        long length = x.getShape().get(1);
        long offset = cache == null ? 0 : cache.length();
        int d = config.dModel();
        int heads = config.heads();
        int headDim = config.headDim();
        Shape normShape = new Shape(d);
        NDArray mask = length > 1 ? causalMask(x.getManager(), length, offset) : null;
        NDArray scale = ScalarArrays.of(x.getManager(), 1.0 / Math.sqrt(headDim));
        NDArray h = x;
        for (int l = 0; l < config.layers(); l++) {
            LayerWeights lw = w.layers.get(l);
            NDArray normed = LayerNorm.layerNorm(h, normShape, lw.attentionNormGamma, lw.attentionNormBeta, NORM_EPS)
                    .singletonOrThrow();
            NDList qkv = normed.matMul(lw.qkvWeight).add(lw.qkvBias).split(3, 2);
            NDArray q = splitHeads(qkv.get(0), rows, length, heads, headDim);
            NDArray k = splitHeads(qkv.get(1), rows, length, heads, headDim);
            NDArray v = splitHeads(qkv.get(2), rows, length, heads, headDim);
            if (cache != null) {
                NDArray[] full = cache.append(l, k, v);
                k = full[0];
                v = full[1];
            }
            NDArray scores = q.mul(scale).matMul(k.transpose(0, 1, 3, 2));
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray attended = scores.softmax(3).matMul(v).transpose(0, 2, 1, 3).reshape(rows, length, d);
            h = h.add(attended.matMul(lw.outWeight).add(lw.outBias));
            NDArray mlpIn = LayerNorm.layerNorm(h, normShape, lw.mlpNormGamma, lw.mlpNormBeta, NORM_EPS)
                    .singletonOrThrow();
            NDArray up = Activation.gelu(mlpIn.matMul(lw.upWeight).add(lw.upBias));
            h = h.add(up.matMul(lw.downWeight).add(lw.downBias));
        }
        return h;
    }

    private static NDArray splitHeads(NDArray x, long rows, long length, int heads, int headDim) {
        return x.reshape(rows, length, heads, headDim).transpose(0, 2, 1, 3);
    }

    /** {@code [length, offset + length]}: 0 where query i (at offset + i) may see key j, a large negative elsewhere. */
    private static NDArray causalMask(NDManager scope, long length, long offset) {
        int rows = Math.toIntExact(length);
        int columns = Math.toIntExact(offset + length);
        float[] mask = new float[rows * columns];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                if (j > offset + i) {
                    mask[i * columns + j] = MASKED;
                }
            }
        }
        return scope.create(mask, new Shape(rows, columns));
    }

    private NDArray logits(Weights w, NDArray hidden) {
        return LayerNorm.layerNorm(hidden, new Shape(config.dModel()), w.finalNormGamma, w.finalNormBeta, NORM_EPS)
                .singletonOrThrow()
                .matMul(w.headWeight);
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
        int length = prompt.images().size() * config.tokensPerImage() + 1 + Math.max(1, responseTokens);
        if (length > config.maxSequence()) {
            throw new IllegalArgumentException("prompt of " + prompt.images().size() + " image(s) plus "
                    + responseTokens + " response tokens needs " + length + " positions, the model has "
                    + config.maxSequence() + " (prompts are never truncated)");
        }
    }

    // ------------------------------------------------------------------------------------------------ weights

    @Override
    public EncodedWeights exportWeights(long version) {
        WeightSnapshot.Builder snapshot = WeightSnapshot.newBuilder()
                .setModelId(modelId())
                .setWeightVersion(version)
                .setModelConfig(config.toJson());
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec spec = specs.get(i);
            float[] values = parameters.get(i).toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            TensorEntry.Builder entry = TensorEntry.newBuilder().setName(spec.name()).setData(ByteString.copyFrom(bytes));
            for (long dimension : spec.shape().getShape()) {
                entry.addShape(dimension);
            }
            snapshot.addTensors(entry);
        }
        return EncodedWeights.of(modelId(), version, snapshot.build().toByteArray());
    }

    @Override
    public void importWeights(EncodedWeights weights) {
        if (!weights.digestMatches()) {
            throw new IllegalArgumentException("weights " + weights.modelId() + " v" + weights.version()
                    + ": sha256 " + weights.sha256() + " does not match the bytes");
        }
        if (!modelId().equals(weights.modelId())) {
            throw new IllegalArgumentException(
                    "weights are for model " + weights.modelId() + ", this model is " + modelId());
        }
        WeightSnapshot snapshot;
        try {
            snapshot = WeightSnapshot.parseFrom(weights.bytes());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("weights v" + weights.version() + " are not a WeightSnapshot", e);
        }
        if (!modelId().equals(snapshot.getModelId())) {
            throw new IllegalArgumentException(
                    "weight snapshot is for model " + snapshot.getModelId() + ", this model is " + modelId());
        }
        if (snapshot.getWeightVersion() != weights.version()) {
            throw new IllegalArgumentException("weight snapshot says version " + snapshot.getWeightVersion()
                    + " but was sent as version " + weights.version());
        }
        Map<String, TensorEntry> entries = new HashMap<>();
        for (TensorEntry entry : snapshot.getTensorsList()) {
            if (entries.put(entry.getName(), entry) != null) {
                throw new IllegalArgumentException("weight snapshot holds tensor " + entry.getName() + " twice");
            }
        }
        float[][] values = new float[specs.size()][];
        for (int i = 0; i < specs.size(); i++) {
            ParameterSpec spec = specs.get(i);
            TensorEntry entry = entries.remove(spec.name());
            if (entry == null) {
                throw new IllegalArgumentException("weight snapshot lacks tensor " + spec.name());
            }
            Shape shape = new Shape(entry.getShapeList().stream().mapToLong(Long::longValue).toArray());
            if (!shape.equals(spec.shape())) {
                throw new IllegalArgumentException(
                        "tensor " + spec.name() + " has shape " + shape + ", the model needs " + spec.shape());
            }
            ByteString data = entry.getData();
            if (data.size() != spec.shape().size() * Float.BYTES) {
                throw new IllegalArgumentException("tensor " + spec.name() + " holds " + data.size()
                        + " bytes, shape " + shape + " needs " + spec.shape().size() * Float.BYTES);
            }
            float[] floats = new float[Math.toIntExact(spec.shape().size())];
            data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
            values[i] = floats;
        }
        if (!entries.isEmpty()) {
            throw new IllegalArgumentException("weight snapshot holds unknown tensors " + entries.keySet());
        }
        for (int i = 0; i < specs.size(); i++) {
            parameters.get(i).set(FloatBuffer.wrap(values[i]));
        }
        weightVersion = weights.version();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Copies of the parameters in {@code scope} through which gradients flow back to the parameters. */
    private Weights trainingWeights(NDManager scope) {
        List<NDArray> copies = new ArrayList<>(parameters.size());
        for (NDArray parameter : parameters) {
            copies.add(scope.zeros(parameter.getShape(), DataType.FLOAT32, device).add(parameter));
        }
        return new Weights(copies, config.layers());
    }

    /** Views of the parameters without autograd history, owned by {@code scope}: nothing is recorded through them. */
    private Weights detachedWeights(NDManager scope) {
        List<NDArray> views = new ArrayList<>(parameters.size());
        for (NDArray parameter : parameters) {
            NDArray view = parameter.stopGradient();
            view.attach(scope);
            views.add(view);
        }
        return new Weights(views, config.layers());
    }

    // ------------------------------------------------------------------------------------------------ parameters

    private enum Init { NORMAL, ZEROS, ONES }

    private record ParameterSpec(String name, Shape shape, Init init, double std) {

        float[] initialValues(long seed) {
            float[] values = new float[Math.toIntExact(shape.size())];
            switch (init) {
                case ONES:
                    java.util.Arrays.fill(values, 1f);
                    break;
                case ZEROS:
                    break;
                default:
                    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
                    for (int i = 0; i < values.length; i += 2) {
                        // Box-Muller: two normals from two uniforms, the same on every JVM
                        double u1 = 1.0 - random.nextDouble();
                        double u2 = random.nextDouble();
                        double radius = Math.sqrt(-2.0 * Math.log(u1)) * std;
                        values[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
                        if (i + 1 < values.length) {
                            values[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
                        }
                    }
            }
            return values;
        }
    }

    private static List<ParameterSpec> parameterSpecs(ModelConfig c, int vocabulary) {
        int d = c.dModel();
        double std = 0.02;
        double residualStd = std / Math.sqrt(2.0 * c.layers());
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(new ParameterSpec("patch.weight", new Shape(c.patchValues(), d), Init.NORMAL, std));
        specs.add(new ParameterSpec("patch.bias", new Shape(d), Init.ZEROS, 0));
        specs.add(new ParameterSpec("patch.position", new Shape(c.patchesPerImage(), d), Init.NORMAL, std));
        specs.add(new ParameterSpec("image.slot", new Shape(MAX_IMAGES, d), Init.NORMAL, std));
        specs.add(new ParameterSpec("task.embedding", new Shape(QualityTask.values().length, d), Init.NORMAL, std));
        specs.add(new ParameterSpec("token.embedding", new Shape(vocabulary, d), Init.NORMAL, std));
        specs.add(new ParameterSpec("position.embedding", new Shape(c.maxSequence(), d), Init.NORMAL, std));
        for (int l = 0; l < c.layers(); l++) {
            String p = "layer" + l + ".";
            specs.add(new ParameterSpec(p + "attention.norm.gamma", new Shape(d), Init.ONES, 0));
            specs.add(new ParameterSpec(p + "attention.norm.beta", new Shape(d), Init.ZEROS, 0));
            specs.add(new ParameterSpec(p + "attention.qkv.weight", new Shape(d, 3L * d), Init.NORMAL, std));
            specs.add(new ParameterSpec(p + "attention.qkv.bias", new Shape(3L * d), Init.ZEROS, 0));
            specs.add(new ParameterSpec(p + "attention.out.weight", new Shape(d, d), Init.NORMAL, residualStd));
            specs.add(new ParameterSpec(p + "attention.out.bias", new Shape(d), Init.ZEROS, 0));
            specs.add(new ParameterSpec(p + "mlp.norm.gamma", new Shape(d), Init.ONES, 0));
            specs.add(new ParameterSpec(p + "mlp.norm.beta", new Shape(d), Init.ZEROS, 0));
            specs.add(new ParameterSpec(p + "mlp.up.weight", new Shape(d, c.ffDim()), Init.NORMAL, std));
            specs.add(new ParameterSpec(p + "mlp.up.bias", new Shape(c.ffDim()), Init.ZEROS, 0));
            specs.add(new ParameterSpec(p + "mlp.down.weight", new Shape(c.ffDim(), d), Init.NORMAL, residualStd));
            specs.add(new ParameterSpec(p + "mlp.down.bias", new Shape(d), Init.ZEROS, 0));
        }
        specs.add(new ParameterSpec("final.norm.gamma", new Shape(d), Init.ONES, 0));
        specs.add(new ParameterSpec("final.norm.beta", new Shape(d), Init.ZEROS, 0));
        specs.add(new ParameterSpec("head.weight", new Shape(d, vocabulary), Init.NORMAL, std));
        if (c.imageStatistics() > 0) {
            specs.add(new ParameterSpec("statistics.weight", new Shape(c.imageStatistics(), d), Init.NORMAL, std));
            specs.add(new ParameterSpec("statistics.bias", new Shape(d), Init.ZEROS, 0));
            specs.add(new ParameterSpec("statistics.position", new Shape(d), Init.NORMAL, std));
        }
        return Collections.unmodifiableList(specs);
    }

    /** The parameters (or copies/views of them) by role, in {@link #parameterSpecs} order. */
    private static final class Weights {
        final NDArray patchWeight;
        final NDArray patchBias;
        final NDArray patchPosition;
        final NDArray imageSlot;
        final NDArray taskEmbedding;
        final NDArray tokenEmbedding;
        final NDArray positionEmbedding;
        final List<LayerWeights> layers = new ArrayList<>();
        final NDArray finalNormGamma;
        final NDArray finalNormBeta;
        final NDArray headWeight;
        /** Null when the model uses no image statistics. */
        final NDArray statisticsWeight;
        final NDArray statisticsBias;
        final NDArray statisticsPosition;

        Weights(List<NDArray> arrays, int layerCount) {
            int i = 0;
            patchWeight = arrays.get(i++);
            patchBias = arrays.get(i++);
            patchPosition = arrays.get(i++);
            imageSlot = arrays.get(i++);
            taskEmbedding = arrays.get(i++);
            tokenEmbedding = arrays.get(i++);
            positionEmbedding = arrays.get(i++);
            for (int l = 0; l < layerCount; l++) {
                layers.add(new LayerWeights(arrays.subList(i, i + LayerWeights.COUNT)));
                i += LayerWeights.COUNT;
            }
            finalNormGamma = arrays.get(i++);
            finalNormBeta = arrays.get(i++);
            headWeight = arrays.get(i++);
            boolean statistics = arrays.size() > i;
            statisticsWeight = statistics ? arrays.get(i++) : null;
            statisticsBias = statistics ? arrays.get(i++) : null;
            statisticsPosition = statistics ? arrays.get(i) : null;
        }
    }

    private static final class LayerWeights {
        static final int COUNT = 12;
        final NDArray attentionNormGamma;
        final NDArray attentionNormBeta;
        final NDArray qkvWeight;
        final NDArray qkvBias;
        final NDArray outWeight;
        final NDArray outBias;
        final NDArray mlpNormGamma;
        final NDArray mlpNormBeta;
        final NDArray upWeight;
        final NDArray upBias;
        final NDArray downWeight;
        final NDArray downBias;

        LayerWeights(List<NDArray> a) {
            attentionNormGamma = a.get(0);
            attentionNormBeta = a.get(1);
            qkvWeight = a.get(2);
            qkvBias = a.get(3);
            outWeight = a.get(4);
            outBias = a.get(5);
            mlpNormGamma = a.get(6);
            mlpNormBeta = a.get(7);
            upWeight = a.get(8);
            upBias = a.get(9);
            downWeight = a.get(10);
            downBias = a.get(11);
        }
    }
}
