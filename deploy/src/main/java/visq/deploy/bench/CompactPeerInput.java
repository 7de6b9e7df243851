package visq.deploy.bench;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.model.CompactPromptInputs;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.tasks.PolicyPrompt;
import visq.gpu.training.GrpoSample;

/**
 * The work the compact model's PyTorch peer ({@code tools/compact-reference/bench_peer.py}) repeats: the model's
 * weight snapshot as Visq pushes it (a {@code WeightSnapshot}, which carries the architecture as its
 * {@code model_config}), written next to a JSON file that names it and holds the prompt exactly as the forward pass
 * reads it ({@link CompactPromptInputs}: the task index, the patch rows, the statistics vectors), the special token
 * ids, and what every peer reads ({@link PeerInput}).
 */
final class CompactPeerInput {
    /** Identifies the file layout; bench_peer.py refuses another. */
    static final String FORMAT = "visq-compact-bench-peer-input/1";

    private CompactPeerInput() {}

    /**
     * Writes {@code model}'s weights to {@code weightsFile} and the peer's input to {@code file}.
     *
     * @param visqLogProbs per response, its per-token log-probs under {@code model} at temperature 1
     */
    static void write(Path file, Path weightsFile, CompactVisionLanguagePolicy model, PolicyPrompt prompt,
            int groupSize, SamplingSettings sampling, List<GrpoSample> batch, List<float[]> visqLogProbs) {
        CompactPromptInputs inputs = model.promptInputs(prompt);
        try {
            Files.createDirectories(weightsFile.toAbsolutePath().getParent());
            Files.write(weightsFile, model.exportWeights(model.weightVersion()).content().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the peer's weight snapshot " + weightsFile, e);
        }
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("model_id", model.modelId());
        json.addProperty("weights", weightsFile.toAbsolutePath().toString());
        json.addProperty("vocabulary", model.tokenizer().vocabularySize());
        json.addProperty("bos_id", model.tokenizer().bosId());
        json.addProperty("pad_id", model.tokenizer().padId());
        json.addProperty("eos_id", model.tokenizer().eosId());
        JsonObject promptJson = new JsonObject();
        promptJson.addProperty("task", inputs.task());
        promptJson.addProperty("images", inputs.images());
        promptJson.add("patches", PeerInput.floats(inputs.patches()));
        promptJson.add("statistics", PeerInput.floats(inputs.statistics()));
        json.add("prompt", promptJson);
        PeerInput.addCommon(json, groupSize, sampling, batch, visqLogProbs,
                PeerInput.COMPACT_LOG_PROB_TOLERANCE);
        PeerInput.write(file, json);
    }
}
