package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSummaryTest {

    @TempDir
    Path work;

    @Test
    void writtenSummaryParsesBackToTheRecordedNumbers() throws Exception {
        BenchSummary summary = new BenchSummary();
        summary.record(BenchSummary.Key.MICROBATCH_QPS_GAIN, 1.75);
        summary.record(BenchSummary.Key.ASYNC_OVER_SYNC, 1.23);
        summary.record(BenchSummary.Key.LEARNER_STEP_VS_PYTORCH, 3.9);
        summary.recordPerSize(BenchSummary.Key.WEIGHT_PUSH_FRACTION_OF_RAW, "1.27MB", 0.31);
        summary.recordPerSize(BenchSummary.Key.WEIGHT_PUSH_FRACTION_OF_RAW, "64MB", 0.62);
        Path file = BenchSummary.fileUnder(work);

        summary.write(file);

        assertEquals(work.resolve("target/visq-bench/summary.json"), file);
        JsonObject json = parse(file);
        assertEquals(Set.of("microbatch_qps_gain", "async_over_sync", "learner_step_vs_pytorch",
                "weight_push_fraction_of_raw"), json.keySet());
        assertEquals(1.75, json.get("microbatch_qps_gain").getAsDouble(), 0);
        assertEquals(1.23, json.get("async_over_sync").getAsDouble(), 0);
        assertEquals(3.9, json.get("learner_step_vs_pytorch").getAsDouble(), 0);
        JsonObject push = json.getAsJsonObject("weight_push_fraction_of_raw");
        assertEquals(0.31, push.get("1.27MB").getAsDouble(), 0);
        assertEquals(0.62, push.get("64MB").getAsDouble(), 0);
        assertTrue(json.get("async_over_sync").getAsJsonPrimitive().isNumber());
    }

    @Test
    void whatWasNotMeasuredIsAbsentAndANewRunReplacesTheFile() throws Exception {
        Path file = BenchSummary.fileUnder(work);
        BenchSummary first = new BenchSummary();
        first.record(BenchSummary.Key.SOAK_HEAP_DRIFT, 0.02);
        first.write(file);
        BenchSummary second = new BenchSummary();
        second.record(BenchSummary.Key.GENERATION_VS_PYTORCH, 1.1);
        second.record(BenchSummary.Key.GENERATION_VS_PYTORCH, 1.4); // a later value replaces an earlier one

        second.write(file);

        JsonObject json = parse(file);
        assertEquals(Set.of("generation_vs_pytorch"), json.keySet());
        assertEquals(1.4, json.get("generation_vs_pytorch").getAsDouble(), 0);
        assertFalse(json.has("soak_heap_drift"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no partial file left beside the summary");
        }
    }

    @Test
    void anEmptyRunWritesAnEmptyObject() throws Exception {
        Path file = BenchSummary.fileUnder(work);
        new BenchSummary().write(file);
        assertEquals(0, parse(file).size());
    }

    @Test
    void numbersJsonCannotHoldAndBlankSizesAreRefused() {
        BenchSummary summary = new BenchSummary();
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> summary.record(BenchSummary.Key.MICROBATCH_QPS_GAIN, Double.NaN));
        assertTrue(nan.getMessage().contains("microbatch_qps_gain"), nan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> summary.recordPerSize(BenchSummary.Key.WEIGHT_PUSH_FRACTION_OF_RAW, "64MB",
                        Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class,
                () -> summary.recordPerSize(BenchSummary.Key.WEIGHT_PUSH_FRACTION_OF_RAW, " ", 0.5));
    }

    private static JsonObject parse(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
