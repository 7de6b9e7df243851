package visq.deploy.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImagePreprocessor;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.Severity;
import visq.gpu.model.CompactDegradationPrior;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.tasks.QualityTask;

/**
 * The eval's "degradation-prior alone" line: each labelled image gets the label whose frozen read-out is largest,
 * prepared as the policy prepares it, and the summary reports its class and level accuracy beside the policy's.
 */
class DegradationPriorBaselineTest {
    private static final Path SHARED =
            Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();
    private static final CompactModelConfig PRIOR = CompactModelConfig.compactDefault()
            .withImageStatistics(ImageStatistics.COUNT)
            .withDegradationPrior(CompactModelConfig.RIDGE_DEGRADATION_PRIOR);
    private static final int LABELS = CompactDegradationPrior.OUTPUTS.size();

    @TempDir
    Path temp;

    private static BufferedImage image(int level) {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                int v = Math.min(255, level + ((x * 7 + y * 13) & 0x1F));
                image.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return image;
    }

    @Test
    void theLabelIsTheLargestReadOutOfThePreparedImage() {
        ImagePreparation preparation = new ImagePreprocessor(PRIOR.preprocessing());
        int noiseSlight = CompactDegradationPrior.indexOf(DegradationLabel.of(DegradationClass.NOISE, Severity.SLIGHT));
        try (CompactVisionLanguagePolicy policy = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu())) {
            // "noise/slight" reads statistic 0 against a bias of "none" at the midpoint of two images' statistic 0
            float dark = preparation.preprocess(image(20)).statistics()[0];
            float bright = preparation.preprocess(image(200)).statistics()[0];
            assertTrue(dark != bright, "the two images differ in statistic 0");
            float[][] weights = new float[LABELS][ImageStatistics.COUNT];
            float[] biases = new float[LABELS];
            Arrays.fill(biases, -1000f); // only "none" and "noise/slight" compete
            weights[noiseSlight][0] = Math.signum(bright - dark);
            biases[noiseSlight] = 0f;
            biases[0] = Math.signum(bright - dark) * (dark + bright) / 2;
            policy.degradationPrior().orElseThrow().set(weights, biases);
            DegradationPriorBaseline baseline = new DegradationPriorBaseline(policy.degradationPrior().orElseThrow(),
                    preparation);
            assertEquals("degradation-prior", baseline.name());
            assertEquals(DegradationLabel.none(), baseline.labelOf(image(20)));
            assertEquals(CompactDegradationPrior.OUTPUTS.get(noiseSlight), baseline.labelOf(image(200)));
        }
    }

    @Test
    void theSummaryReportsThePriorsAccuracyBesideThePolicys() throws Exception {
        Config config = ConfigFactory.parseString("visq.data.datasets = [{ name = \"kodak-degraded\", format = "
                        + "\"generated-degradations\", images = \"{shared}/data/kodak\", tasks = [\"degradation\"], "
                        + "sources = 4, crops-per-source = 1 }]")
                .withFallback(ConfigFactory.parseMap(Map.of("visq.data.shared-dir", SHARED.toString(),
                        "visq.data.work-dir", temp.resolve("work").toString(), "visq.model.image-features", "none",
                        "visq.model.quality-prior", "none")))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        EvaluationSettings settings = new EvaluationSettings(temp.resolve("no-checkpoint"), temp.resolve("out"),
                ScoreDecoding.greedy(), List.of(QualityTask.SCORE, QualityTask.DEGRADATION), 0);
        EvaluationRun run = new EvaluationRun(config, settings, new ProgressLine(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, System::nanoTime));
        List<EvaluationTarget> heldOut = run.heldOutTargets();
        try (CompactVisionLanguagePolicy policy = CompactVisionLanguagePolicy.create(PRIOR, Device.cpu())) {
            float[] biases = new float[LABELS];
            biases[0] = 1f; // "none" for every image: no degraded crop gets its class
            policy.degradationPrior().orElseThrow().set(new float[LABELS][ImageStatistics.COUNT], biases);
            String markdown = run.evaluate(heldOut, new EvaluationRunTest.BrightnessAnswering(), List.of(),
                    List.of(new DegradationPriorBaseline(policy.degradationPrior().orElseThrow(),
                            new ImagePreprocessor(PRIOR.preprocessing())))).markdown();
            // one held-out source, one crop: the undistorted crop and 20 degraded ones, 5 of each class; class
            // accuracy counts all 21, level accuracy the 20 degraded. The stand-in always answers blur/slight (class
            // right on 5 of 21, level on 1 of 20), the prior always none (class right on the undistorted crop only)
            assertTrue(markdown.contains("Degradation: class accuracy 0.238, level accuracy 0.050 over 20 degraded"),
                    markdown);
            assertTrue(markdown.contains("Degradation, degradation-prior alone: class accuracy 0.048, level accuracy "
                    + "0.000 over 20 degraded images, 0 unparsable"), markdown);
        }
    }
}
