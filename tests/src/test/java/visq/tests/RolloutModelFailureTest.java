package visq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import visq.actors.cluster.NodeMetrics;
import visq.actors.coordinator.TrainingCoordinator;
import visq.actors.learner.CheckpointWriter;
import visq.actors.rollout.RolloutWorker;
import visq.gpu.model.PolicyModel;

/**
 * One of two rollout workers' real model throws inside generation in the middle of GRPO (injected, once). The worker
 * answers its part as failed, the coordinator re-dispatches that part at once to the other worker, the failed worker
 * is restarted by its supervisor with a fresh model and generates again; every prompt is trained exactly once and the
 * run ends with the same weights as a run without the failure.
 */
class RolloutModelFailureTest {
    private static final int GRPO_STEPS = 8;
    private static final int PROMPTS_PER_STEP = 4;
    private static final int TOTAL = 1 + GRPO_STEPS;
    // worker #1 holds 2 prompts per step: its 5th generate call is the first prompt of its third part
    private static final int FAILING_CALL = 5;

    @Test
    void aModelThatThrowsLosesNothingAndItsWorkerComesBack() throws Exception {
        String undamaged = runToEnd(Files.createTempDirectory("visq-model-ok"), (workerId, model) -> model).weights();

        Path workDir = Files.createTempDirectory("visq-model-failure");
        AtomicInteger calls = new AtomicInteger();
        List<ILoggingEvent> redispatches;
        List<ILoggingEvent> generated;
        List<ILoggingEvent> ready;
        Finished faulted;
        try (LogCapture coordinatorLog = LogCapture.of(TrainingCoordinator.class);
                LogCapture workerLog = LogCapture.of(RolloutWorker.class)) {
            faulted = runToEnd(workDir, (workerId, model) ->
                    workerId.endsWith("#1") ? new ThrowingModel(model, calls, FAILING_CALL) : model);
            redispatches = coordinatorLog.containing("re-dispatching rollout part");
            generated = workerLog.containing(" generated part ");
            ready = workerLog.containing("cpu#1 ready");
        }

        assertEquals(1, redispatches.size(), "one part failed: " + redispatches);
        String redispatch = redispatches.get(0).getFormattedMessage();
        assertTrue(redispatch.contains(ThrowingModel.FAILURE), redispatch);
        String part = redispatch.replaceAll(".*rollout part (\\d+):.*", "$1");
        List<String> byWhom = generated.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains(" generated part " + part + " ")).toList();
        assertEquals(1, byWhom.size(), "part " + part + " generated once after the failure: " + byWhom);
        assertTrue(byWhom.get(0).contains("/cpu#0 "), "re-dispatched to the other worker: " + byWhom);
        double secondsToRedo = (generated.stream().filter(e -> e.getFormattedMessage().equals(byWhom.get(0)))
                .findFirst().orElseThrow().getTimeStamp() - redispatches.get(0).getTimeStamp()) / 1000.0;

        assertEquals(2, ready.size(), "worker #1 started, and started again with a fresh model: " + ready);
        long afterRestart = generated.stream()
                .filter(e -> e.getTimeStamp() > ready.get(1).getTimeStamp())
                .filter(e -> e.getFormattedMessage().contains("/cpu#1 ")).count();
        assertTrue(afterRestart > 0, "the restarted worker generates again");

        TrainingLedger ledger = TrainingLedger.read(workDir.resolve("checkpoints"));
        ledger.assertStepsOneToTotal(TOTAL);
        ledger.assertNoPromptLostOrDuplicated(PROMPTS_PER_STEP, workDir);
        assertEquals(undamaged, faulted.weights(), "the same weights as the run without the failure");

        // per-worker metrics on the node's endpoint: the restarted worker's series go on where they were
        PrometheusText metrics = PrometheusText.parse(faulted.scrape());
        for (String worker : List.of("cpu#0", "cpu#1")) {
            double responses = perWorker(metrics, "visq_rollout_responses_total", worker);
            assertTrue(responses > 0 && responses % 4 == 0, worker + ": whole groups of 4 rollouts: " + responses);
            assertTrue(perWorker(metrics, "visq_rollout_tokens_total", worker) >= responses, worker);
            assertTrue(perWorker(metrics, "visq_rollout_part_seconds_count", worker) > 0, worker);
            assertTrue(perWorker(metrics, "visq_rollout_weight_version", worker) >= TOTAL - 1, worker);
            assertTrue(perWorker(metrics, "visq_weights_received_bytes_total", worker) > 0, worker);
            assertTrue(perWorker(metrics, "visq_weights_push_seconds_count", worker) > 0, worker);
        }
        assertEquals(GRPO_STEPS * PROMPTS_PER_STEP * 4.0, perWorker(metrics, "visq_rollout_responses_total", "cpu#0")
                + perWorker(metrics, "visq_rollout_responses_total", "cpu#1"),
                "every GRPO prompt's group once (the cold-start step generates none); the failed part counted none");
        System.out.printf("model failure: part %s generated again on the other worker %.2f s after it failed; the"
                + " restarted worker generated %d part(s) afterwards%n", part, secondsToRedo, afterRestart);
    }

    /** A finished run: the final weights' SHA-256 and a scrape of the node's metrics at its end. */
    private record Finished(String weights, String scrape) {}

    private static double perWorker(PrometheusText metrics, String name, String workerSuffix) {
        return metrics.samples(name).stream().filter(s -> s.labels().get("worker").endsWith(workerSuffix))
                .mapToDouble(PrometheusText.Sample::value).findFirst().orElseThrow(() -> new AssertionError(
                        name + " has no series for worker " + workerSuffix));
    }

    /** Trains the run to its end on one node with two rollout workers. */
    private static Finished runToEnd(Path workDir, BiFunction<String, PolicyModel, PolicyModel> models)
            throws Exception {
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", 1,
                "visq.training.grpo-steps", GRPO_STEPS,
                "visq.training.prompts-per-step", PROMPTS_PER_STEP,
                "visq.training.tasks", List.of("degradation"),
                "visq.training.min-workers", 2,
                "visq.rollout.devices", List.of("cpu", "cpu"),
                "visq.metrics.enabled", false));
        ActorSystem<Void> node = TestClusters.startTrainingNode(run, models);
        Path checkpoints = workDir.resolve("checkpoints");
        String scrape;
        try {
            CheckpointFiles.awaitCheckpoint(checkpoints, TOTAL, Duration.ofSeconds(60));
            scrape = NodeMetrics.get(node).scrape();
        } finally {
            TestClusters.stop(node);
        }
        return new Finished(CheckpointWriter.readLatestWeights(checkpoints).sha256(), scrape);
    }
}
