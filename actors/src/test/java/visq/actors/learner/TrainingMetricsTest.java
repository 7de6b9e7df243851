package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The learner's training gauges and step timer, as a Prometheus scrape shows them. */
class TrainingMetricsTest {

    @Test
    void gaugesShowTheLastStepAndTheTimerCountsSteps() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrainingMetrics metrics = new TrainingMetrics(registry);
        assertTrue(registry.scrape().contains("visq_training_step NaN"), "no step yet: NaN, not a made-up 0");

        metrics.record(new StepStats(7, TrainingPhase.GRPO, 7, 0.75, 0.5, 0.25, 0.01, 0.002, 0.1, Double.NaN, 0, 0.4, 1));
        metrics.record(new StepStats(8, TrainingPhase.GRPO, 8, 0.875, 0.625, 0.25, 0.02, 0.003, 0.0, Double.NaN, 0, 0.6,
                0));
        String scrape = registry.scrape();
        assertTrue(scrape.contains("visq_training_step 8.0"), scrape);
        assertTrue(scrape.contains("visq_training_weight_version 8.0"), scrape);
        assertTrue(scrape.contains("visq_training_reward_mean 0.875"), scrape);
        assertTrue(scrape.contains("visq_training_format_rate 0.625"), scrape);
        assertTrue(scrape.contains("visq_training_kl 0.003"), scrape);
        assertTrue(scrape.contains("visq_training_max_staleness 0.0"), scrape);
        assertTrue(scrape.contains("visq_training_learner_step_seconds_count 2"), scrape);
        // 0.4 s + 0.6 s
        assertEquals(1.0, registry.get("visq.training.learner.step").timer()
                .totalTime(java.util.concurrent.TimeUnit.SECONDS), 1e-9);
    }

    @Test
    void checkpointGaugesShowTheNewestWriteAndAFailureUntilTheNextSucceeds() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrainingMetrics metrics = new TrainingMetrics(registry);
        assertTrue(registry.scrape().contains("visq_checkpoint_last_step NaN"), registry.scrape());

        metrics.checkpointWritten(4);
        metrics.checkpointFailed();
        String failing = registry.scrape();
        assertTrue(failing.contains("visq_checkpoint_last_step 4.0"), failing);
        assertTrue(failing.contains("visq_checkpoint_failing 1.0"), failing);
        assertTrue(failing.contains("visq_checkpoint_failures_total 1.0"), failing);

        metrics.checkpointWritten(9);
        String recovered = registry.scrape();
        assertTrue(recovered.contains("visq_checkpoint_last_step 9.0"), recovered);
        assertTrue(recovered.contains("visq_checkpoint_failing 0.0"), recovered);
        assertTrue(recovered.contains("visq_checkpoint_failures_total 1.0"), "a count, never reset: " + recovered);
    }

    @Test
    void thePhaseGaugeIsOneForTheCurrentPhaseOnly() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrainingMetrics metrics = new TrainingMetrics(registry);
        assertTrue(registry.scrape().contains("visq_training_phase{phase=\"grpo\"} 0.0"), "no phase yet: all 0");

        metrics.phaseEntered(TrainingPhase.COLD_START);
        metrics.phaseEntered(TrainingPhase.GRPO);
        String scrape = registry.scrape();
        assertTrue(scrape.contains("visq_training_phase{phase=\"grpo\"} 1.0"), scrape);
        for (String other : new String[] {"waiting_for_workers", "cold_start", "done", "failed"}) {
            assertTrue(scrape.contains("visq_training_phase{phase=\"" + other + "\"} 0.0"), scrape);
        }
    }
}
