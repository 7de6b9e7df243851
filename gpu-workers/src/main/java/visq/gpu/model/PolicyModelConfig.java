package visq.gpu.model;

import ai.djl.Device;
import visq.gpu.image.ImagePreparation;

/**
 * What every node needs to know about the policy it runs, read once from {@code visq.model}: one record per model
 * family, {@link CompactModelConfig} and {@code visq.gpu.model.qwen.QwenModelConfig}. Nodes that build a model from
 * the same config build the same model (same id, same version-0 weights).
 *
 * <p>The family is closed by design but not declared {@code sealed}: Java allows a sealed hierarchy across packages
 * only inside a named module, and moving the Qwen config into this package would make {@code model} and
 * {@code model.qwen} depend on each other. Everything a node needs is a method here; only a family-specific tool
 * (exporting a LoRA adapter) looks at the concrete type.
 */
public interface PolicyModelConfig {

    /** Identifies the architecture, base weights and trainable layout; weight snapshots only load into the same id. */
    String modelId();

    /** The {@code visq.model.kind} this config was read for. */
    String kind();

    /** How images are prepared for this model (the router, the data catalogue and evaluation all use it). */
    ImagePreparation imagePreparation();

    /**
     * Whether the policy needs the supervised cold start before GRPO: a model without pretrained language ability
     * (the compact one) would otherwise never produce a parsable answer; a pretrained instruction model starts with
     * GRPO, as both papers do.
     */
    boolean needsSupervisedColdStart();

    /** The JSON that weight snapshots carry as {@code model_config}. */
    String toJson();

    /** A new model of this config on {@code device}, its weights at version 0. */
    PolicyModel newModel(Device device);
}
