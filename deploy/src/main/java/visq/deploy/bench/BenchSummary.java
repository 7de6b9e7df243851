package visq.deploy.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headline numbers of one {@code visq bench} run, written as JSON ({@value #FILE_NAME} under
 * {@code target/visq-bench}) so runs can be compared by a program: one number per {@link Key} the run measured, or
 * for a per-size key an object of numbers by size; keys of what the run did not measure are absent.
 * Not thread-safe: the bench records from its own thread.
 */
public final class BenchSummary {
    /** The summary's file name. */
    public static final String FILE_NAME = "summary.json";

    /** What the summary can hold; the JSON name of each is its {@link #jsonName()}. */
    public enum Key {
        /** Visq's GRPO learner step time over the PyTorch peer's (> 1: Visq slower). */
        LEARNER_STEP_VS_PYTORCH("learner_step_vs_pytorch"),
        /** Visq's generation time per token over the PyTorch peer's (> 1: Visq slower). */
        GENERATION_VS_PYTORCH("generation_vs_pytorch"),
        /** The same in CPU time of the generating thread (tokens per CPU-second), which other jobs barely move. */
        GENERATION_CPU_VS_PYTORCH("generation_cpu_vs_pytorch"),
        /** Per snapshot size: bytes/s of a weight push over bytes/s of a raw copy of the same bytes. */
        WEIGHT_PUSH_FRACTION_OF_RAW("weight_push_fraction_of_raw"),
        /** Scoring requests/s with micro-batching over batch 1, at 8 clients in flight. */
        MICROBATCH_QPS_GAIN("microbatch_qps_gain"),
        /** Scoring requests/s at batch 1, 8 clients in flight. */
        SCORING_QPS_BATCH_1("scoring_qps_batch_1"),
        /** Scoring p99 latency in ms at batch 1, 8 clients in flight. */
        SCORING_P99_MS_BATCH_1("scoring_p99_ms_batch_1"),
        /** Scoring requests/s with micro-batching, 8 clients in flight. */
        SCORING_QPS_MICROBATCH("scoring_qps_microbatch"),
        /** Scoring p99 latency in ms with micro-batching, 8 clients in flight. */
        SCORING_P99_MS_MICROBATCH("scoring_p99_ms_microbatch"),
        /** MobileNetV2 features' time with six views per forward pass over one view per pass (> 1: per view faster). */
        FEATURES_PER_VIEW_SPEEDUP("features_per_view_speedup"),
        /** GRPO samples/s of asynchronous training over synchronous, 2 workers. */
        ASYNC_OVER_SYNC("async_over_sync"),
        /** Relative drift of the heap after GC over a soak run. */
        SOAK_HEAP_DRIFT("soak_heap_drift"),
        /** Relative drift of DJL's live NDArray count over a soak run. */
        SOAK_NDARRAY_DRIFT("soak_ndarray_drift");

        private final String jsonName;

        Key(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    private final Map<Key, Double> numbers = new EnumMap<>(Key.class);
    private final Map<Key, Map<String, Double>> perSize = new EnumMap<>(Key.class);

    /** Where a bench run started in {@code workingDirectory} writes its summary. */
    public static Path fileUnder(Path workingDirectory) {
        return workingDirectory.resolve("target").resolve("visq-bench").resolve(FILE_NAME);
    }

    /**
     * Records {@code value} for {@code key}, replacing an earlier one.
     *
     * @throws IllegalArgumentException when the value is not finite (JSON has no NaN or infinity)
     */
    public void record(Key key, double value) {
        numbers.put(key, finite(key.jsonName(), value));
    }

    /**
     * Records {@code value} for {@code key} at snapshot size {@code size} (for example {@code "64MB"}).
     *
     * @throws IllegalArgumentException when the value is not finite or the size label is blank
     */
    public void recordPerSize(Key key, String size, double value) {
        if (size.isBlank()) {
            throw new IllegalArgumentException(key.jsonName() + " needs a size label");
        }
        perSize.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(size, finite(key.jsonName() + "." + size, value));
    }

    /** Records every size label's value of {@code values} for {@code key}, as {@link #recordPerSize(Key, String, double)}. */
    public void recordPerSize(Key key, Map<String, Double> values) {
        values.forEach((size, value) -> recordPerSize(key, size, value));
    }

    /** The summary as a JSON object, keys in {@link Key} order. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        for (Key key : Key.values()) {
            if (numbers.containsKey(key)) {
                json.addProperty(key.jsonName(), numbers.get(key));
            } else if (perSize.containsKey(key)) {
                JsonObject sizes = new JsonObject();
                perSize.get(key).forEach(sizes::addProperty);
                json.add(key.jsonName(), sizes);
            }
        }
        return json;
    }

    /** Writes the summary to {@code file} (parent folders created; replaced whole, never left half-written). */
    public void write(Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, FILE_NAME, ".partial");
        try {
            Files.writeString(partial, new GsonBuilder().setPrettyPrinting().create().toJson(toJson()) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
        return value;
    }
}
