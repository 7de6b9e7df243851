package visq.actors.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.actors.reward.ScoredGroup;
import visq.actors.rollout.PromptRef;
import visq.actors.rollout.Rollout;
import visq.actors.rollout.TokenIds;
import visq.actors.rollout.RolloutGroup;
import visq.gpu.rewards.ParsedScore;
import visq.gpu.rewards.ResponseReward;
import visq.gpu.tasks.QualityTask;

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

    /** A group of {@code task} sampled at {@code version}, one rollout per task reward, each total 1 + that reward. */
    private static ScoredGroup sampled(QualityTask task, long version, double... taskRewards) {
        Rollout rollout = new Rollout("text", TokenIds.of(1), List.of(-1f), true);
        List<ResponseReward> rewards = java.util.Arrays.stream(taskRewards)
                .mapToObj(t -> new ResponseReward(1, t, new ParsedScore.Score(3.0))).toList();
        return new ScoredGroup(new RolloutGroup(new PromptRef("s", task), version,
                rewards.stream().map(r -> rollout).toList()), rewards);
    }

    /** The value of the one sample line {@code series} (name and labels as exposed) in a scrape. */
    private static double value(String scrape, String series) {
        List<String> lines = scrape.lines().filter(line -> line.startsWith(series + " ")).toList();
        assertEquals(1, lines.size(), series + " in " + scrape);
        return Double.parseDouble(lines.get(0).substring(series.length() + 1).trim());
    }

    @Test
    void rewardsPerTaskAndTheStalenessOfEveryRolloutOfAGrpoStep() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrainingMetrics metrics = new TrainingMetrics(registry);
        String before = registry.scrape();
        assertEquals(0.0, value(before, "visq_training_rollout_staleness_count"), before);
        assertTrue(!before.contains("visq_training_reward_mean_by_task"), "no task trained yet: " + before);

        // step updating version 6: score rollouts sampled at version 5 (format 1 + task 0.5, 0, 1 = totals 1.5, 1, 2),
        // score-number rollouts sampled at version 3 (totals 1, 2)
        metrics.rolloutsTrained(List.of(sampled(QualityTask.SCORE, 5, 0.5, 0.0, 1.0),
                sampled(QualityTask.SCORE_NUMBER, 3, 0.0, 1.0)), 6);
        String first = registry.scrape();
        // mean {1.5, 1, 2} = 1.5; unbiased std = sqrt((0 + 0.25 + 0.25) / 2) = 0.5
        assertEquals(1.5, value(first, "visq_training_reward_mean_by_task{task=\"score\"}"), 1e-15);
        assertEquals(0.5, value(first, "visq_training_reward_std_by_task{task=\"score\"}"), 1e-15);
        // mean {1, 2} = 1.5; unbiased std = sqrt((0.25 + 0.25) / 1) = sqrt(0.5)
        assertEquals(1.5, value(first, "visq_training_reward_mean_by_task{task=\"score-number\"}"), 1e-15);
        assertEquals(Math.sqrt(0.5), value(first, "visq_training_reward_std_by_task{task=\"score-number\"}"), 1e-15);
        // staleness: three rollouts 6 - 5 = 1 behind, two 6 - 3 = 3 behind
        assertTrue(first.contains("# TYPE visq_training_rollout_staleness histogram"), first);
        assertEquals(5.0, value(first, "visq_training_rollout_staleness_count"));
        assertEquals(9.0, value(first, "visq_training_rollout_staleness_sum"), 1e-15);
        assertEquals(0.0, value(first, "visq_training_rollout_staleness_bucket{le=\"0.5\"}"));
        assertEquals(3.0, value(first, "visq_training_rollout_staleness_bucket{le=\"1.0\"}"));
        assertEquals(3.0, value(first, "visq_training_rollout_staleness_bucket{le=\"2.0\"}"));
        assertEquals(5.0, value(first, "visq_training_rollout_staleness_bucket{le=\"3.0\"}"));
        assertEquals(5.0, value(first, "visq_training_rollout_staleness_bucket{le=\"+Inf\"}"));

        // step updating version 7: two on-policy score rollouts (totals 2, 2); score-number keeps its last values
        metrics.rolloutsTrained(List.of(sampled(QualityTask.SCORE, 7, 1.0, 1.0)), 7);
        String second = registry.scrape();
        assertEquals(2.0, value(second, "visq_training_reward_mean_by_task{task=\"score\"}"));
        assertEquals(0.0, value(second, "visq_training_reward_std_by_task{task=\"score\"}"));
        assertEquals(Math.sqrt(0.5), value(second, "visq_training_reward_std_by_task{task=\"score-number\"}"), 1e-15);
        assertEquals(7.0, value(second, "visq_training_rollout_staleness_count"));
        assertEquals(2.0, value(second, "visq_training_rollout_staleness_bucket{le=\"0.5\"}"));
        assertEquals(9.0, value(second, "visq_training_rollout_staleness_sum"), 1e-15);
    }

    @Test
    void liveArraysPerLearnerModelShowTheLastCount() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrainingMetrics metrics = new TrainingMetrics(registry);
        assertTrue(!registry.scrape().contains("visq_training_live_arrays"), "nothing counted yet");

        metrics.liveArrays("policy", 300);
        metrics.liveArrays("reference", 290);
        metrics.liveArrays("trainer", 12);
        metrics.liveArrays("policy", 301); // after the next step
        String scrape = registry.scrape();
        assertEquals(301.0, value(scrape, "visq_training_live_arrays{model=\"policy\"}"));
        assertEquals(290.0, value(scrape, "visq_training_live_arrays{model=\"reference\"}"));
        assertEquals(12.0, value(scrape, "visq_training_live_arrays{model=\"trainer\"}"));
    }
}
