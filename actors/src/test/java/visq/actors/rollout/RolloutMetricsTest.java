package visq.actors.rollout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.gpu.tasks.QualityTask;

/** A rollout worker's series, labelled with its id, as a Prometheus scrape shows them. */
class RolloutMetricsTest {

    @Test
    void eachWorkerCountsItsRolloutsTokensVersionAndWeightPushes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RolloutMetrics a = new RolloutMetrics(registry, "n1/cpu#0");
        RolloutMetrics b = new RolloutMetrics(registry, "n1/cpu#1");
        assertTrue(registry.scrape().contains("visq_rollout_weight_version{worker=\"n1/cpu#0\"} NaN"),
                "no version before the worker starts: NaN, not a made-up 0");

        Rollout threeTokens = new Rollout("abc", TokenIds.of(1, 2, 3), List.of(-1f, -1f, -1f), true);
        Rollout oneToken = new Rollout("a", TokenIds.of(1), List.of(-1f), false);
        a.generated(List.of(new RolloutGroup(new PromptRef("s", QualityTask.SCORE), 3,
                List.of(threeTokens, oneToken))), 0.5);
        a.weightsHeld(3);
        a.chunkReceived(1000);
        a.chunkReceived(24);
        a.weightsImported(2_000_000_000L);
        b.weightsHeld(2);

        String scrape = registry.scrape();
        assertTrue(scrape.contains("visq_rollout_responses_total{worker=\"n1/cpu#0\"} 2.0"), scrape);
        assertTrue(scrape.contains("visq_rollout_tokens_total{worker=\"n1/cpu#0\"} 4.0"), scrape);
        assertTrue(scrape.contains("visq_rollout_part_seconds_count{worker=\"n1/cpu#0\"} 1"), scrape);
        assertTrue(scrape.contains("visq_rollout_weight_version{worker=\"n1/cpu#0\"} 3.0"), scrape);
        assertTrue(scrape.contains("visq_rollout_weight_version{worker=\"n1/cpu#1\"} 2.0"), scrape);
        assertTrue(scrape.contains("visq_weights_received_bytes_total{worker=\"n1/cpu#0\"} 1024.0"), scrape);
        assertTrue(scrape.contains("visq_weights_push_seconds_sum{worker=\"n1/cpu#0\"} 2.0"), scrape);
        assertTrue(scrape.contains("visq_rollout_responses_total{worker=\"n1/cpu#1\"} 0.0"), scrape);
    }

    @Test
    void eachWorkerShowsTheLiveArraysItLastCounted() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RolloutMetrics a = new RolloutMetrics(registry, "n1/cpu#0");
        RolloutMetrics b = new RolloutMetrics(registry, "n1/cpu#1");
        assertTrue(registry.scrape().contains("visq_rollout_live_arrays{worker=\"n1/cpu#0\"} NaN"),
                "nothing counted before the worker's model exists: NaN");

        a.liveArrays(120);
        a.liveArrays(123); // the count after the next part replaces the one at start
        b.liveArrays(7);
        String scrape = registry.scrape();
        assertTrue(scrape.contains("visq_rollout_live_arrays{worker=\"n1/cpu#0\"} 123.0"), scrape);
        assertTrue(scrape.contains("visq_rollout_live_arrays{worker=\"n1/cpu#1\"} 7.0"), scrape);
    }
}
