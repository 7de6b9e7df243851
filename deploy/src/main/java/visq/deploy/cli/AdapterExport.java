package visq.deploy.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import visq.actors.learner.CheckpointWriter;
import visq.gpu.model.EncodedWeights;
import visq.gpu.model.PolicyModelConfig;
import visq.gpu.model.WeightSnapshotCodec;
import visq.gpu.model.qwen.LoraAdapters;
import visq.gpu.model.qwen.PeftAdapterFiles;
import visq.gpu.model.qwen.QwenModelConfig;

/**
 * {@code visq export-adapter}: the LoRA adapters of a training checkpoint as a PEFT adapter directory that Python
 * {@code peft} loads onto the same base checkpoint. Reads only the checkpoint's weight snapshot and the model's
 * configuration; the base weights are never loaded.
 */
public final class AdapterExport {

    private AdapterExport() {}

    /**
     * Writes the adapters of the newest checkpoint in {@code checkpointDirectory} to {@code out}.
     *
     * @return the weight version exported
     * @throws IllegalArgumentException when the model is not a Qwen model or the snapshot is for another base or
     *     adapter layout
     */
    public static long export(PolicyModelConfig model, Path checkpointDirectory, Path out) throws IOException {
        if (!(model instanceof QwenModelConfig)) {
            throw new IllegalArgumentException("export-adapter needs visq.model.kind qwen2-vl or qwen2.5-vl (a LoRA model),"
                    + " not " + model.kind());
        }
        QwenModelConfig qwen = (QwenModelConfig) model;
        LoraAdapters layout = new LoraAdapters(qwen.checkpoint().text(), qwen.lora());
        EncodedWeights weights = CheckpointWriter.readLatestWeights(checkpointDirectory);
        float[][] values = new WeightSnapshotCodec(qwen.modelId(), qwen.toJson(), layout.names(), layout.shapes())
                .decode(weights);
        List<float[]> tensors = Arrays.asList(values);
        PeftAdapterFiles.write(out, layout, tensors, qwen.checkpoint().directory().toAbsolutePath().toString());
        return weights.version();
    }
}
