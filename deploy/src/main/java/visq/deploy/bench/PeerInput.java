package visq.deploy.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.image.ImageTensor;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.qwen.PatchedImage;
import visq.gpu.model.qwen.QwenChatTemplate;
import visq.gpu.model.qwen.QwenCheckpoint;
import visq.gpu.model.qwen.QwenImageProcessor;
import visq.gpu.model.qwen.QwenModelConfig;
import visq.gpu.model.qwen.QwenTokenizer;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.training.AdamWSettings;
import visq.gpu.training.GrpoSample;
import visq.gpu.training.GrpoSettings;
import visq.gpu.training.MethodPreset;

/**
 * The work the transformers peer ({@code tools/qwen-reference/bench_peer.py}) repeats, as one JSON file: the prompt
 * exactly as the Qwen policy reads it (chat-template token ids with one {@code <|image_pad|>} per merged patch,
 * {@code pixel_values} in the reference processor's patch order, {@code image_grid_thw}), the sampling settings, the
 * LoRA layout, the GRPO and AdamW constants of the learner step, and the learner batch: each response's token ids,
 * behaviour log-probs, advantage, and its per-token log-probs under the base model as Visq computes them (the peer
 * first checks it reproduces those, so it times the same model).
 *
 * <p>Floats are written with Java's shortest round-trip form, so Python reads back the same float32 values.
 */
final class PeerInput {
    /** Identifies the file layout; bench_peer.py refuses another. */
    static final String FORMAT = "visq-model-bench-peer-input/1";

    /** Largest per-token difference of log-probs under which the peer counts as computing the same model. */
    static final double LOG_PROB_TOLERANCE = 1e-3;

    /** The prompt's token ids and image patches, as the Qwen policy encodes it. */
    record EncodedPrompt(int[] ids, List<PatchedImage> images) {}

    private PeerInput() {}

    /** {@code prompt} rendered by {@code model}'s chat template and image processor. */
    static EncodedPrompt encode(QwenModelConfig model, PolicyPrompt prompt) {
        QwenCheckpoint checkpoint = model.checkpoint();
        QwenImageProcessor processor = new QwenImageProcessor(checkpoint.imageProcessor());
        int merge = checkpoint.vision().spatialMergeSize();
        List<PatchedImage> images = new ArrayList<>(prompt.images().size());
        int[] pads = new int[prompt.images().size()];
        for (int i = 0; i < pads.length; i++) {
            ImageTensor image = prompt.images().get(i);
            PatchedImage patched = processor.patches(image);
            images.add(patched);
            pads[i] = patched.mergedTokens(merge);
        }
        try (QwenTokenizer tokenizer = QwenTokenizer.load(checkpoint)) {
            int[] ids = new QwenChatTemplate(tokenizer).encode(prompt.systemText(), pads, prompt.userText());
            return new EncodedPrompt(ids, images);
        }
    }

    /**
     * Writes the peer's input to {@code file}.
     *
     * @param visqLogProbs per response, its per-token log-probs under the base model at temperature 1
     */
    static void write(Path file, QwenModelConfig model, EncodedPrompt prompt, int groupSize,
            SamplingSettings sampling, List<GrpoSample> batch, List<float[]> visqLogProbs) {
        if (visqLogProbs.size() != batch.size()) {
            throw new IllegalArgumentException(batch.size() + " responses but " + visqLogProbs.size()
                    + " rows of Visq log-probs");
        }
        QwenCheckpoint checkpoint = model.checkpoint();
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("checkpoint", checkpoint.directory().toAbsolutePath().toString());
        json.addProperty("model_type", checkpoint.family().modelType());
        json.addProperty("model_id", model.modelId());
        json.addProperty("group_size", groupSize);
        json.addProperty("new_tokens", sampling.maxNewTokens());
        json.add("sampling", samplingJson(sampling));
        json.add("prompt", promptJson(prompt, checkpoint.specialTokens().imageTokenId()));
        json.addProperty("pad_id", checkpoint.specialTokens().endOfTextId());
        json.addProperty("eos_id", checkpoint.specialTokens().imEndId());
        json.add("lora", loraJson(model));
        json.add("learner", learnerJson(PolicyThroughput.PRESET));
        JsonArray samples = new JsonArray();
        for (int i = 0; i < batch.size(); i++) {
            GrpoSample sample = batch.get(i);
            if (visqLogProbs.get(i).length != sample.tokens().length) {
                throw new IllegalArgumentException("response " + i + " has " + sample.tokens().length
                        + " tokens but " + visqLogProbs.get(i).length + " Visq log-probs");
            }
            JsonObject row = new JsonObject();
            row.add("response_ids", ints(sample.tokens()));
            row.add("behaviour_logprobs", floats(sample.behaviourLogProbs()));
            row.addProperty("advantage", sample.advantage());
            row.add("visq_logprobs", floats(visqLogProbs.get(i)));
            samples.add(row);
        }
        json.add("samples", samples);
        json.addProperty("logprob_tolerance", LOG_PROB_TOLERANCE);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, new GsonBuilder().create().toJson(json), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the peer input " + file, e);
        }
    }

    private static JsonObject samplingJson(SamplingSettings sampling) {
        JsonObject json = new JsonObject();
        json.addProperty("temperature", sampling.temperature());
        json.addProperty("top_k", sampling.topK());
        json.addProperty("top_p", sampling.topP());
        json.addProperty("greedy", sampling.greedy());
        return json;
    }

    private static JsonObject promptJson(EncodedPrompt prompt, int imageTokenId) {
        JsonObject json = new JsonObject();
        json.add("input_ids", ints(prompt.ids()));
        json.addProperty("image_token_id", imageTokenId);
        int rows = 0;
        int width = prompt.images().isEmpty() ? 0 : prompt.images().get(0).valuesPerPatch();
        JsonArray pixels = new JsonArray();
        JsonArray grids = new JsonArray();
        for (PatchedImage image : prompt.images()) {
            if (image.valuesPerPatch() != width) {
                throw new IllegalArgumentException("images of one prompt have patches of " + width + " and "
                        + image.valuesPerPatch() + " values");
            }
            for (float value : image.pixelValues()) {
                pixels.add(value);
            }
            rows += image.patchCount();
            grids.add(ints(new int[] {image.gridT(), image.gridH(), image.gridW()}));
        }
        json.add("pixel_values", pixels);
        json.add("pixel_values_shape", ints(new int[] {rows, width}));
        json.add("image_grid_thw", grids);
        return json;
    }

    private static JsonObject loraJson(QwenModelConfig model) {
        JsonObject json = new JsonObject();
        json.addProperty("r", model.lora().rank());
        json.addProperty("alpha", model.lora().alpha());
        json.addProperty("dropout", model.lora().dropout());
        JsonArray targets = new JsonArray();
        model.lora().targets().forEach(targets::add);
        json.add("target_modules", targets);
        return json;
    }

    private static JsonObject learnerJson(MethodPreset preset) {
        GrpoSettings grpo = preset.grpo();
        AdamWSettings adam = preset.optimizer();
        JsonObject json = new JsonObject();
        json.addProperty("preset", preset.name());
        json.addProperty("temperature", preset.sampling().temperature());
        json.addProperty("eps_low", grpo.epsLow());
        json.addProperty("eps_high", grpo.epsHigh());
        json.addProperty("beta", grpo.beta());
        json.addProperty("aggregation", grpo.aggregation().name());
        json.addProperty("max_completion_length", grpo.maxCompletionLength());
        json.addProperty("learning_rate", preset.learningRate());
        json.addProperty("adam_beta1", adam.beta1());
        json.addProperty("adam_beta2", adam.beta2());
        json.addProperty("adam_eps", adam.epsilon());
        json.addProperty("weight_decay", adam.weightDecay());
        json.addProperty("clip_norm", preset.gradientClipNorm());
        return json;
    }

    private static JsonArray ints(int[] values) {
        JsonArray array = new JsonArray(values.length);
        for (int value : values) {
            array.add(value);
        }
        return array;
    }

    private static JsonArray floats(float[] values) {
        JsonArray array = new JsonArray(values.length);
        for (float value : values) {
            array.add(value);
        }
        return array;
    }
}
