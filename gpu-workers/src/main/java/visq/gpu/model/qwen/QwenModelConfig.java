package visq.gpu.model.qwen;

import ai.djl.Device;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import visq.gpu.image.ImagePreparation;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModel;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.checkpoint.CheckpointTensors;

/**
 * A pretrained Qwen2-VL / Qwen2.5-VL policy from a Hugging Face checkpoint directory, with LoRA adapters (fresh, or
 * loaded from a PEFT adapter directory). Reading it checks the whole checkpoint (config files, tokenizer, tensor
 * names and shapes) before any model is built, so a bad checkpoint fails at start with a message naming the problem.
 *
 * @param checkpoint the checked checkpoint
 * @param lora the adapter layout (a loaded adapter's own settings)
 * @param adapter a PEFT adapter directory whose tensors are the version-0 adapters, if any
 * @param maxSequence the longest prompt plus response accepted (at most the checkpoint's max positions)
 */
public record QwenModelConfig(QwenCheckpoint checkpoint, LoraSettings lora, Optional<Path> adapter, int maxSequence)
        implements PolicyModelConfig {

    public QwenModelConfig {
        if (maxSequence <= 0) {
            throw new IllegalArgumentException("max sequence must be positive, got " + maxSequence);
        }
        maxSequence = Math.min(maxSequence, checkpoint.text().maxPositionEmbeddings());
    }

    /** A fresh adapter of {@code lora} on the checkpoint in {@code directory}. */
    public static QwenModelConfig forCheckpoint(Path directory, LoraSettings lora, int maxSequence) {
        return new QwenModelConfig(QwenCheckpoint.read(directory), lora, Optional.empty(), maxSequence);
    }

    /** The checkpoint in {@code directory} with the PEFT adapter in {@code adapterDirectory} (its own settings). */
    public static QwenModelConfig withAdapter(Path directory, Path adapterDirectory, long initSeed, int maxSequence) {
        LoraSettings declared = PeftAdapterFiles.readSettings(adapterDirectory);
        LoraSettings lora = new LoraSettings(declared.rank(), declared.alpha(), declared.dropout(), declared.targets(),
                initSeed);
        return new QwenModelConfig(QwenCheckpoint.read(directory), lora, Optional.of(adapterDirectory), maxSequence);
    }

    /** The same checkpoint and adapter with {@code kind} checked against the checkpoint's model_type. */
    public QwenModelConfig requireKind(String kind) {
        QwenFamily wanted = QwenFamily.ofKind(kind);
        if (wanted != checkpoint.family()) {
            throw new IllegalArgumentException("visq.model.kind is " + kind + " but " + checkpoint.directory()
                    + "/config.json has model_type " + checkpoint.family().modelType());
        }
        return this;
    }

    @Override
    public String kind() {
        return checkpoint.family().kind();
    }

    /**
     * {@code kind@directory-name#config-digest/lora-layout}: two nodes with the same checkpoint files and adapter
     * layout agree; a snapshot of another base or layout is refused by this id.
     */
    @Override
    public String modelId() {
        return kind() + "@" + checkpoint.directory().getFileName() + "#" + configDigest() + "/" + lora.describe();
    }

    private String configDigest() {
        try {
            byte[] bytes = Files.readAllBytes(checkpoint.directory().resolve("config.json"));
            return EncodedWeights.sha256Hex(bytes).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + checkpoint.directory().resolve("config.json"), e);
        }
    }

    @Override
    public ImagePreparation imagePreparation() {
        return new QwenImagePreparation(checkpoint.imageProcessor());
    }

    /** Never: a pretrained instruction model starts with GRPO, as both papers do. */
    @Override
    public boolean needsSupervisedColdStart() {
        return false;
    }

    @Override
    public String toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("modelId", modelId());
        json.addProperty("kind", kind());
        json.addProperty("checkpoint", checkpoint.directory().toString());
        json.addProperty("loraRank", lora.rank());
        json.addProperty("loraAlpha", lora.alpha());
        json.addProperty("loraTargets", String.join(",", lora.targets()));
        json.addProperty("maxSequence", maxSequence);
        return json.toString();
    }

    /** A policy on {@code device}: the shared base (loaded on first use), fresh or loaded adapters at version 0. */
    @Override
    public PolicyModel newModel(Device device) {
        QwenBaseWeights base = QwenBaseWeights.acquire(checkpoint.directory().toAbsolutePath().normalize().toString(),
                device, manager -> {
                    try (CheckpointTensors tensors = CheckpointTensors.open(checkpoint.directory())) {
                        checkpoint.layout().validate(tensors);
                        Map<String, ai.djl.ndarray.NDArray> loaded = new HashMap<>();
                        for (String name : tensors.names()) {
                            loaded.put(name, tensors.toArray(manager, name));
                        }
                        return loaded;
                    }
                });
        QwenVisionLanguagePolicy policy;
        try {
            policy = new QwenVisionLanguagePolicy(parts(), device, base);
        } catch (RuntimeException e) {
            base.release();
            throw e;
        }
        try {
            adapter.ifPresent(directory -> policy.setAdapters(
                    PeftAdapterFiles.readTensors(directory, policy.adapterLayout())));
        } catch (RuntimeException e) {
            policy.close();
            throw e;
        }
        return policy;
    }

    QwenModelParts parts() {
        QwenTokenizer tokenizer = QwenTokenizer.load(checkpoint);
        QwenChatTemplate template = new QwenChatTemplate(tokenizer);
        return new QwenModelParts(modelId(), toJson(), checkpoint.family(), checkpoint.text(), checkpoint.vision(),
                checkpoint.imageProcessor(), lora, tokenizer,
                (system, user, imagePads) -> template.encode(system, imagePads, user),
                checkpoint.specialTokens().imageTokenId(), maxSequence);
    }
}
