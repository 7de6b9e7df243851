package visq.deploy.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.image.ImageTensor;
import visq.gpu.model.qwen.PatchedImage;
import visq.gpu.model.qwen.QwenChatTemplate;
import visq.gpu.model.qwen.QwenCheckpoint;
import visq.gpu.model.qwen.QwenImageProcessor;
import visq.gpu.model.qwen.QwenModelConfig;
import visq.gpu.model.qwen.QwenTokenizer;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.training.GrpoSample;

/**
 * The work the transformers peer ({@code tools/qwen-reference/bench_peer.py}) repeats, as one JSON file: the prompt
 * exactly as the Qwen policy reads it (chat-template token ids with one {@code <|image_pad|>} per merged patch,
 * {@code pixel_values} in the reference processor's patch order, {@code image_grid_thw}), the LoRA layout, and what
 * every peer reads ({@link PeerInput}).
 */
final class QwenPeerInput {
    /** Identifies the file layout; bench_peer.py refuses another. */
    static final String FORMAT = "visq-model-bench-peer-input/1";

    /** The prompt's token ids and image patches, as the Qwen policy encodes it. */
    record EncodedPrompt(int[] ids, List<PatchedImage> images) {}

    private QwenPeerInput() {}

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
        QwenCheckpoint checkpoint = model.checkpoint();
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("checkpoint", checkpoint.directory().toAbsolutePath().toString());
        json.addProperty("model_type", checkpoint.family().modelType());
        json.addProperty("model_id", model.modelId());
        json.add("prompt", promptJson(prompt, checkpoint.specialTokens().imageTokenId()));
        json.addProperty("pad_id", checkpoint.specialTokens().endOfTextId());
        json.addProperty("eos_id", checkpoint.specialTokens().imEndId());
        json.add("lora", loraJson(model));
        PeerInput.addCommon(json, groupSize, sampling, batch, visqLogProbs,
                PeerInput.QWEN_LOG_PROB_TOLERANCE);
        PeerInput.write(file, json);
    }

    private static JsonObject promptJson(EncodedPrompt prompt, int imageTokenId) {
        JsonObject json = new JsonObject();
        json.add("input_ids", PeerInput.ints(prompt.ids()));
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
            grids.add(PeerInput.ints(new int[] {image.gridT(), image.gridH(), image.gridW()}));
        }
        json.add("pixel_values", pixels);
        json.add("pixel_values_shape", PeerInput.ints(new int[] {rows, width}));
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
}
