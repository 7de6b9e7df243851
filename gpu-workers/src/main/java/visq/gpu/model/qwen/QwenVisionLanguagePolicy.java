package visq.gpu.model.qwen;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import visq.gpu.generation.DecodingSession;
import visq.gpu.generation.KvCache;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.GeneratedResponse;
import visq.gpu.model.LayoutBatches;
import visq.gpu.model.PolicyDecoding;
import visq.gpu.model.PolicyModel;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.ndarray.ScalarArrays;
import visq.gpu.model.TextTokenizer;
import visq.gpu.model.TokenLogProbs;
import visq.gpu.model.TrainableTensors;
import visq.gpu.model.WeightSnapshotCodec;
import visq.gpu.tasks.PolicyPrompt;

/**
 * A pretrained Qwen2-VL / Qwen2.5-VL policy with LoRA adapters: the frozen base ({@link QwenBaseWeights}, shared by
 * every policy of the checkpoint on the node), the vision tower, the decoder and the adapters, which are the only
 * trainable, exported and imported weights. A fresh adapter (B = 0) leaves the base unchanged, so a second policy of
 * the same config is the reference policy of GRPO without a second copy of the base.
 *
 * <p>Prompts are rendered with the chat template (system text, one {@code <|image_pad|>} per merged patch of each
 * image, user text, the assistant turn). Generation prefills once and decodes G rows with a {@link KvCache};
 * {@link #answerAll} batches prompts of equal token length. Every array a call creates lives in a scope the call
 * (or the caller, for {@link #responseLogProbs}) closes.
 */
public final class QwenVisionLanguagePolicy implements PolicyModel {

    private final QwenModelParts parts;
    private final Device device;
    private final QwenBaseWeights base;
    private final NDManager manager;
    private final LoraAdapters layout;
    private final List<NDArray> adapters;
    private final QwenDecoder decoder;
    private final MultimodalRotary rotary;
    private final QwenPromptEncoder encoder;
    private final QwenDecoderInputs inputs;
    private final PolicyDecoding decoding;
    private final WeightSnapshotCodec codec;
    private long weightVersion;

    QwenVisionLanguagePolicy(QwenModelParts parts, Device device, QwenBaseWeights base) {
        this.parts = parts;
        this.device = device;
        this.base = base;
        this.manager = NDManager.newBaseManager(device);
        manager.setName("qwen-adapters");
        this.layout = new LoraAdapters(parts.text(), parts.lora());
        this.adapters = layout.createInitial(manager);
        this.decoder = new QwenDecoder(parts.text());
        this.rotary = new MultimodalRotary(parts.text());
        this.encoder = new QwenPromptEncoder(parts);
        this.inputs = new QwenDecoderInputs(parts, rotary);
        this.decoding = new PolicyDecoding(Session::new, parts.tokenizer());
        this.codec = new WeightSnapshotCodec(parts.modelId(), parts.configJson(), layout.names(), layout.shapes());
    }

    @Override
    public String modelId() {
        return parts.modelId();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public TextTokenizer tokenizer() {
        return parts.tokenizer();
    }

    /** The adapter layout (names, shapes, settings). */
    public LoraAdapters adapterLayout() {
        return layout;
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
        return adapters;
    }

    @Override
    public List<String> trainableParameterNames() {
        return layout.names();
    }

    @Override
    public void zeroGradients() {
        TrainableTensors.zeroGradients(adapters);
    }

    @Override
    public int liveArrayCount() {
        return manager.getManagedArrays().size();
    }

    // ------------------------------------------------------------------------------------------------ generation

    @Override
    public List<GeneratedResponse> generate(PolicyPrompt prompt, int count, SamplingSettings sampling, long seed) {
        requireFits(encoder.encode(prompt).length(), sampling.maxNewTokens());
        return decoding.group(prompt, count, sampling, seed);
    }

    /** Prompts of the same token length are prefilled as rows of one batch (no padding is ever needed). */
    @Override
    public List<GeneratedResponse> answerAll(List<PolicyPrompt> prompts, SamplingSettings sampling, long seed) {
        Map<PolicyPrompt, Integer> lengths = new IdentityHashMap<>();
        for (PolicyPrompt prompt : prompts) {
            int length = encoder.encode(prompt).length();
            requireFits(length, sampling.maxNewTokens());
            lengths.put(prompt, length);
        }
        return decoding.perPrompt(prompts, lengths::get, sampling, seed);
    }

    /** Prefill once, then one token per live row per step, with per-row rotary deltas. */
    private final class Session implements DecodingSession {
        private final List<EncodedPrompt> prompts;
        private final NDManager scope;
        private final Function<String, NDArray> views;
        private final QwenDecoderWeights weights;
        private final QwenDecoder.Lora lora;
        private final KvCache cache;
        private long[] deltas;
        private int nextIndex;

        Session(List<PolicyPrompt> policyPrompts) {
            this.prompts = new ArrayList<>(policyPrompts.size());
            for (PolicyPrompt prompt : policyPrompts) {
                prompts.add(encoder.encode(prompt));
            }
            this.scope = manager.newSubManager();
            this.views = base.views(scope);
            this.weights = new QwenDecoderWeights(parts.text(), views);
            this.lora = new QwenDecoder.Lora(layout, TrainableTensors.detachedViews(adapters, scope), 0.0);
            this.cache = new KvCache(scope, parts.text().layers());
        }

        @Override
        public float[] start(int rows) {
            boolean perPrompt = prompts.size() > 1;
            if (perPrompt && rows != prompts.size()) {
                throw new IllegalArgumentException(prompts.size() + " prompts cannot start " + rows + " rows");
            }
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                int length = prompts.get(0).length();
                NDArray embeds = inputs.embedRows(scope, weights, views, prompts, List.of(), length);
                NDArray hidden =
                        decoder.forward(weights, lora, embeds, inputs.cosSin(scope, prompts, 0, length), cache);
                float[] logits = decoder.logits(weights, hidden.get(":, {}:, :", length - 1)).toFloatArray();
                deltas = new long[prompts.size()];
                for (int r = 0; r < deltas.length; r++) {
                    deltas[r] = prompts.get(r).ropeDelta();
                }
                if (!perPrompt && rows > 1) {
                    cache.repeatRows(rows);
                    deltas = repeated(deltas[0], rows);
                }
                nextIndex = length;
                return logits;
            }
        }

        @Override
        public float[] advance(int[] tokens) {
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                long[] ids = new long[tokens.length];
                long[][] positions = new long[3][tokens.length];
                for (int r = 0; r < tokens.length; r++) {
                    ids[r] = tokens[r];
                    for (int axis = 0; axis < 3; axis++) {
                        positions[axis][r] = nextIndex + deltas[r];
                    }
                }
                NDArray embeds = weights.embedding().get(scope.create(ids, new Shape(tokens.length, 1)));
                NDArray[] angles = rotary.cosSin(scope, positions, tokens.length, 1);
                float[] logits = decoder.logits(weights, decoder.forward(weights, lora, embeds, angles, cache))
                        .toFloatArray();
                nextIndex++;
                return logits;
            }
        }

        @Override
        public void retainRows(int[] rows) {
            cache.retainRows(rows);
            long[] kept = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                kept[i] = deltas[rows[i]];
            }
            deltas = kept;
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    private static long[] repeated(long value, int count) {
        long[] out = new long[count];
        java.util.Arrays.fill(out, value);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ scoring

    /**
     * Rows are grouped by prompt token length; within a group responses are right-padded (causal attention keeps the
     * padding out of every scored position). With LoRA dropout set, adapter inputs are dropped here: this is the
     * training pass.
     */
    @Override
    public NDArray responseLogProbs(NDManager scope, List<PolicyPrompt> prompts, List<int[]> responses,
            double temperature) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("responseLogProbs needs at least one prompt");
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        Map<PolicyPrompt, EncodedPrompt> encoded = new IdentityHashMap<>();
        List<EncodedPrompt> rows = new ArrayList<>(prompts.size());
        int longest = 0;
        int vocabulary = parts.text().vocabSize();
        for (int i = 0; i < prompts.size(); i++) {
            EncodedPrompt prompt = encoded.computeIfAbsent(prompts.get(i), encoder::encode);
            int[] response = responses.get(i);
            for (int id : response) {
                if (id < 0 || id >= vocabulary) {
                    throw new IllegalArgumentException("response " + i + " has token id " + id + " outside the vocabulary"
                            + " of " + vocabulary);
                }
            }
            requireFits(prompt.length(), response.length);
            rows.add(prompt);
            longest = Math.max(longest, response.length);
        }
        int batch = prompts.size();
        if (longest == 0) {
            return scope.zeros(new Shape(batch, 0), DataType.FLOAT32, device);
        }
        Function<String, NDArray> views = base.views(scope);
        QwenDecoderWeights weights = new QwenDecoderWeights(parts.text(), views);
        QwenDecoder.Lora lora =
                new QwenDecoder.Lora(layout, TrainableTensors.trainingCopies(adapters, scope), parts.lora().dropout());
        List<List<Integer>> groups = LayoutBatches.group(rows, EncodedPrompt::length);
        NDArray[] out = new NDArray[batch];
        for (List<Integer> group : groups) {
            NDArray logProbs = groupLogProbs(scope, weights, views, lora, rows, responses, group, longest,
                    temperature);
            if (groups.size() == 1) {
                return logProbs;
            }
            for (int g = 0; g < group.size(); g++) {
                out[group.get(g)] = logProbs.get(g);
            }
        }
        return NDArrays.stack(new NDList(out), 0);
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
    private NDArray groupLogProbs(NDManager scope, QwenDecoderWeights weights, Function<String, NDArray> views,
            QwenDecoder.Lora lora, List<EncodedPrompt> rows, List<int[]> responses, List<Integer> group, int width,
            double temperature) {
        int count = group.size();
        int responseLength = 0;
        List<EncodedPrompt> prompts = new ArrayList<>(count);
        List<int[]> groupResponses = new ArrayList<>(count);
        for (int index : group) {
            prompts.add(rows.get(index));
            groupResponses.add(responses.get(index));
            responseLength = Math.max(responseLength, responses.get(index).length);
        }
        if (responseLength == 0) {
            return scope.zeros(new Shape(count, width), DataType.FLOAT32, device);
        }
        int promptLength = prompts.get(0).length();
        // inputs: the prompt and every response token but the last; logits at promptLength - 1 ... predict the response
        int length = promptLength + responseLength - 1;
        List<long[]> suffixes = new ArrayList<>(count);
        for (int[] response : groupResponses) {
            long[] suffix = new long[responseLength - 1];
            for (int t = 0; t < suffix.length; t++) {
                suffix[t] = t < response.length ? response[t] : parts.tokenizer().padId();
            }
            suffixes.add(suffix);
        }
        NDArray embeds = inputs.embedRows(scope, weights, views, prompts, suffixes, length);
        NDArray hidden = decoder.forward(weights, lora, embeds, inputs.cosSin(scope, prompts, 0, length), null);
        NDArray logits = decoder.logits(weights, hidden.get(":, {}:, :", promptLength - 1));
        NDArray logProbs = TokenLogProbs.select(scope, logits, groupResponses, parts.tokenizer().padId(), temperature);
        if (responseLength < width) {
            logProbs = logProbs.concat(scope.zeros(new Shape(count, width - responseLength), DataType.FLOAT32, device), 1);
        }
        return logProbs;
    }

    private void requireFits(int promptLength, int responseTokens) {
        long needed = (long) promptLength + Math.max(1, responseTokens);
        if (needed > parts.maxSequence()) {
            throw new IllegalArgumentException("prompt of " + promptLength + " tokens plus " + responseTokens
                    + " response tokens needs " + needed + " positions, the model takes " + parts.maxSequence()
                    + " (prompts are never truncated: use smaller images or fewer new tokens)");
        }
    }

    // ------------------------------------------------------------------------------------------------ weights

    @Override
    public EncodedWeights exportWeights(long version) {
        return codec.encode(adapters, version);
    }

    @Override
    public void importWeights(EncodedWeights weights) {
        codec.decodeInto(weights, adapters);
        weightVersion = weights.version();
    }

    /** Sets the adapters from named values (a PEFT adapter read from disk); every tensor must be given. */
    /** Sets the adapters from named values (a PEFT adapter read from disk); every tensor must be given. */
    public void setAdapters(Map<String, float[]> values) {
        layout.assign(adapters, values);
    }

    /** The prompt as the decoder reads it (ids, patches, positions). */
    EncodedPrompt encode(PolicyPrompt prompt) {
        return encoder.encode(prompt);
    }

    @Override
    public void close() {
        manager.close();
        base.release();
        if (parts.tokenizer() instanceof AutoCloseable) {
            try {
                ((AutoCloseable) parts.tokenizer()).close();
            } catch (Exception e) {
                throw new IllegalStateException("tokenizer of " + modelId() + " did not close: " + e.getMessage(), e);
            }
        }
    }
}
