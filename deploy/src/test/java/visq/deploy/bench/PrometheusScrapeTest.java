package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {
    // the text format Micrometer's Prometheus registry writes (as NodeMetricsTest scrapes from a running node)
    private static final String EXPOSITION = """
            # HELP visq_training_live_arrays arrays alive under each model's manager
            # TYPE visq_training_live_arrays gauge
            visq_training_live_arrays{model="policy"} 52.0
            visq_training_live_arrays{model="reference"} 51.0
            visq_training_live_arrays{model="trainer"} 104.0
            visq_training_live_arrays_total 3.0
            visq_rollout_live_arrays{worker="cpu-0"} 53.0
            visq_training_step 412.0
            """;

    @Test
    void sumsEverySampleOfTheNamedMetricAndNoOther() {
        // 52 + 51 + 104; the _total line is another metric with the same prefix
        assertEquals(207.0, PrometheusScrape.sum(EXPOSITION, "visq_training_live_arrays"));
        assertEquals(53.0, PrometheusScrape.sum(EXPOSITION, "visq_rollout_live_arrays"));
        assertEquals(412.0, PrometheusScrape.sum(EXPOSITION, "visq_training_step"));
    }

    @Test
    void aMissingMetricIsNaNNotZero() {
        assertTrue(Double.isNaN(PrometheusScrape.sum(EXPOSITION, "visq_weights_push_seconds")));
    }
}
