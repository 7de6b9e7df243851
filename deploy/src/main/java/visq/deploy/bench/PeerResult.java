package visq.deploy.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a peer script (tools/qwen-reference or tools/compact-reference bench_peer.py) measured, read from its result
 * JSON: library versions, whether it reproduced Visq's per-token log-probs (and by how much they differ), and, only
 * when it did, its per-repetition generation rates and learner step times.
 *
 * @param versions the libraries the peer ran, "name version" in the peer's order ("transformers X, torch Y, peft Z")
 * @param attention the attention implementation the peer ran
 * @param maxLogProbDifference largest |peer − Visq| over every response token
 * @param decodeLogProbDifference when the peer also decoded Visq's samples through its own cached decoder: the
 *     largest |peer − Visq| of their behaviour log-probs
 * @param comparedTokens response tokens compared
 * @param sameModel whether the difference is within the tolerance
 * @param rolloutsPerSecond per timed group (empty when not the same model)
 * @param tokensPerSecond per timed group
 * @param tokensPerRollout new tokens per response (fixed: eos is disabled)
 * @param learnerMillis per timed learner step
 * @param tokensPerCpuSecond per timed group, tokens over the generating thread's CPU seconds (empty when the peer does
 *     not report it)
 */
record PeerResult(String versions, String attention, double maxLogProbDifference,
        OptionalDouble decodeLogProbDifference, long comparedTokens,
        boolean sameModel, List<Double> rolloutsPerSecond, List<Double> tokensPerSecond, double tokensPerRollout,
        List<Double> learnerMillis, List<Double> tokensPerCpuSecond) {

    PeerResult {
        rolloutsPerSecond = List.copyOf(rolloutsPerSecond);
        tokensPerSecond = List.copyOf(tokensPerSecond);
        learnerMillis = List.copyOf(learnerMillis);
        tokensPerCpuSecond = List.copyOf(tokensPerCpuSecond);
    }

    /**
     * Reads the peer's result file.
     *
     * @throws IllegalArgumentException when the file is not the peer's result JSON (naming the missing field)
     */
    static PeerResult read(Path file) {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peer's result " + file, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("the peer's result " + file + " is not a JSON object: "
                    + e.getMessage(), e);
        }
        JsonObject versions = object(json, "versions", file);
        if (versions.size() == 0) {
            throw new IllegalArgumentException("field versions of " + file + " names no library");
        }
        List<String> libraries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> library : versions.entrySet()) {
            libraries.add(library.getKey() + " " + string(versions, library.getKey(), file));
        }
        String described = String.join(", ", libraries);
        JsonElement decode = json.get("decode_logprob_max_abs_diff");
        OptionalDouble decodeDifference = decode == null || decode.isJsonNull() ? OptionalDouble.empty()
                : OptionalDouble.of(decode.getAsDouble());
        boolean same = field(json, "same_model", file).getAsBoolean();
        List<Double> rollouts = List.of();
        List<Double> tokens = List.of();
        List<Double> learner = List.of();
        List<Double> cpuTokens = List.of();
        double perRollout = Double.NaN;
        if (same) {
            JsonObject generation = object(json, "generation", file);
            rollouts = numbers(generation, "rollouts_per_second", file);
            tokens = numbers(generation, "tokens_per_second", file);
            perRollout = field(generation, "tokens_per_rollout", file).getAsDouble();
            learner = numbers(json, "learner_ms", file);
            if (generation.has("tokens_per_cpu_second")) {
                cpuTokens = numbers(generation, "tokens_per_cpu_second", file);
            }
        }
        return new PeerResult(described, string(json, "attention", file),
                field(json, "logprob_max_abs_diff", file).getAsDouble(), decodeDifference,
                field(json, "logprob_tokens", file).getAsLong(), same, rollouts, tokens, perRollout, learner,
                cpuTokens);
    }

    private static JsonElement field(JsonObject json, String name, Path file) {
        JsonElement value = json.get(name);
        if (value == null || value.isJsonNull()) {
            throw new IllegalArgumentException("the peer's result " + file + " lacks field " + name);
        }
        return value;
    }

    private static JsonObject object(JsonObject json, String name, Path file) {
        JsonElement value = field(json, name, file);
        if (!value.isJsonObject()) {
            throw new IllegalArgumentException("field " + name + " of " + file + " is not an object");
        }
        return value.getAsJsonObject();
    }

    private static String string(JsonObject json, String name, Path file) {
        return field(json, name, file).getAsString();
    }

    private static List<Double> numbers(JsonObject json, String name, Path file) {
        JsonElement value = field(json, name, file);
        if (!value.isJsonArray() || value.getAsJsonArray().isEmpty()) {
            throw new IllegalArgumentException("field " + name + " of " + file + " is not a non-empty array");
        }
        JsonArray array = value.getAsJsonArray();
        List<Double> numbers = new ArrayList<>(array.size());
        for (JsonElement element : array) {
            numbers.add(element.getAsDouble());
        }
        return numbers;
    }
}
