package visq.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import visq.actors.learner.CheckpointWriter;
import visq.actors.learner.TrainingHistory;
import visq.deploy.eval.EvaluationRun;
import visq.deploy.eval.EvaluationSettings;
import visq.deploy.eval.EvaluationSummary;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.tasks.QualityTask;

/**
 * A small training run on a one-node cluster, then {@code visq eval} on it: reports, plots and summary
 * are written, numbers are in range, and the plots are valid PNGs.
 */
class EvaluationEndToEndTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int MAX_IMAGES = 10;

    @Test
    void smallRunEvaluatesEndToEnd() throws Exception {
        Path workDir = Files.createTempDirectory("visq-eval-e2e");
        Config run = TestClusters.smallRun(workDir, Map.of(
                "visq.training.cold-start-steps", 300,
                "visq.training.cold-start-batch", 16,
                "visq.training.grpo-steps", 2));
        int port = TestClusters.freePort();
        ActorSystem<Void> node = TestClusters.startNode(run, "\"learner\", \"rollout\"", port, port, 0);
        try {
            awaitCheckpoint(workDir.resolve("checkpoints"), 302);
        } finally {
            node.terminate();
            node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Path out = workDir.resolve("eval");
        EvaluationSummary summary = new EvaluationRun(run.resolve(), new EvaluationSettings(
                workDir.resolve("checkpoints"), out, ScoreDecoding.greedy(), QualityTask.SCORE, MAX_IMAGES)).run();

        assertEquals(302, summary.weightVersion()); // 300 cold-start + 2 GRPO steps, one version each
        var clive = summary.dataset(EvaluationRun.CLIVE_VALIDATION).report();
        var kodak = summary.dataset(EvaluationRun.KODAK_VALIDATION);
        assertEquals(MAX_IMAGES, clive.imageCount());
        for (String name : new String[] {EvaluationRun.CLIVE_VALIDATION, EvaluationRun.KODAK_VALIDATION}) {
            assertTrue(Files.size(out.resolve(name + "-evaluation.md")) > 0, name + " markdown report");
            String json = Files.readString(out.resolve(name + "-evaluation.json"));
            assertTrue(json.contains("\"srcc\""), json);
        }
        double srcc = clive.model().srcc();
        assertTrue(Double.isNaN(srcc) || (srcc >= -1 && srcc <= 1), "SRCC " + srcc);
        for (var baseline : clive.baselines()) {
            double baselineSrcc = baseline.agreement().srcc();
            assertTrue(baselineSrcc >= -1 && baselineSrcc <= 1, baseline.name() + " SRCC " + baselineSrcc);
        }
        double formatRate = kodak.formatRate().orElseThrow();
        assertTrue(formatRate >= 0 && formatRate <= 1, "format rate " + formatRate);
        double classAccuracy = kodak.report().degradation().orElseThrow().classAccuracy();
        assertTrue(classAccuracy >= 0 && classAccuracy <= 1, "class accuracy " + classAccuracy);
        assertValidPng(out.resolve("training-curves.png"));
        if (clive.imageCount() - clive.parseFailures() >= 3) {
            assertValidPng(out.resolve(EvaluationRun.CLIVE_VALIDATION + "-scatter.png"));
        }
        assertTrue(Files.readString(out.resolve("summary.md")).contains("niqe"));
    }

    private static void awaitCheckpoint(Path checkpoints, long version) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (true) {
            if (Files.exists(checkpoints.resolve(CheckpointWriter.LATEST_METADATA))
                    && CheckpointWriter.readLatest(checkpoints).getWeightVersion() == version) {
                assertEquals(version, TrainingHistory.read(checkpoints).size());
                return;
            }
            assertTrue(System.nanoTime() < deadline, "no checkpoint of version " + version);
            Thread.sleep(250);
        }
    }

    private static void assertValidPng(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), file + " starts with the PNG signature");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " decodes");
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100, file + " has a plot's size");
    }
}
