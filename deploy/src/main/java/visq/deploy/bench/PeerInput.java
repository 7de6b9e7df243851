package visq.deploy.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import visq.gpu.generation.SamplingSettings;
import visq.gpu.training.AdamWSettings;
import visq.gpu.training.GrpoSample;
import visq.gpu.training.GrpoSettings;
import visq.gpu.training.MethodPreset;

/**
 * What every peer input file holds besides the model ({@link QwenPeerInput}, {@link CompactPeerInput}): the sampling
 * settings, the GRPO and AdamW constants of the learner step, and the learner batch: each response's token ids,
 * behaviour log-probs, advantage, and its per-token log-probs under the base model as Visq computes them (the peer
 * first checks it reproduces those, so it times the same model).
 *
 * <p>Floats are written with Java's shortest round-trip form, so Python reads back the same float32 values.
 */
final class PeerInput {
    /**
     * Largest per-token difference of log-probs under which the Qwen peer counts as computing the same model
     * (transformers' kernels and op order differ from Visq's in many places).
     */
    static final double QWEN_LOG_PROB_TOLERANCE = 1e-3;

    /**
     * The same for the compact peer, which follows Visq's forward pass op for op on the same libtorch kernels: only
     * float32 rounding of differently blocked matrix products separates them (about 1e-6 measured).
     */
    static final double COMPACT_LOG_PROB_TOLERANCE = 1e-5;

    private PeerInput() {}

    /**
     * Adds the sampling, learner, samples and tolerance members every peer reads to {@code json}.
     *
     * @param tolerance the largest per-token log-prob difference the peer may show and still time its work
     */
    static void addCommon(JsonObject json, int groupSize, SamplingSettings sampling, List<GrpoSample> batch,
            List<float[]> visqLogProbs, double tolerance) {
        if (visqLogProbs.size() != batch.size()) {
            throw new IllegalArgumentException(batch.size() + " responses but " + visqLogProbs.size()
                    + " rows of Visq log-probs");
        }
        json.addProperty("group_size", groupSize);
        json.addProperty("new_tokens", sampling.maxNewTokens());
        json.add("sampling", samplingJson(sampling));
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
        json.addProperty("logprob_tolerance", tolerance);
    }

    /** Writes {@code json} to {@code file}, creating its folder. */
    static void write(Path file, JsonObject json) {
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

    static JsonArray ints(int[] values) {
        JsonArray array = new JsonArray(values.length);
        for (int value : values) {
            array.add(value);
        }
        return array;
    }

    static JsonArray floats(float[] values) {
        JsonArray array = new JsonArray(values.length);
        for (float value : values) {
            array.add(value);
        }
        return array;
    }
}
