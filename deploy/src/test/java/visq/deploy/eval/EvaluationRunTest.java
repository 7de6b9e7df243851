package visq.deploy.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.data.DatasetFormat;
import visq.gpu.data.DatasetReader;
import visq.gpu.data.DatasetSpec;
import visq.gpu.data.IqaSample;
import visq.gpu.data.MosScale;
import visq.gpu.eval.BaselineRow;
import visq.gpu.eval.EvaluationReport;
import visq.gpu.eval.ScoreAgreement;
import visq.gpu.eval.ScoreDecoding;
import visq.gpu.tasks.QualityTask;

/**
 * {@code visq eval} on the data side, with a deterministic stand-in for the policy (the real policy path is
 * {@link PolicyAnswering}, exercised end to end in the tests module): a folder assembled from the shared CLIVE images
 * with a CSV gives exactly the numbers of the embedded split for the same images; a missing or unreadable image is a
 * row with its problem; several sets give one table each and a summary.
 */
class EvaluationRunTest {
    private static final Path SHARED =
            Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();
    private static final int IMAGES = 40;

    @TempDir
    Path temp;

    /** Scores an image by its mean brightness, on [1, 5]: deterministic, varied, parsable. */
    static final class BrightnessAnswering implements ImageAnswering {
        @Override
        public ImageAnswer answer(String sampleId, BufferedImage image, QualityTask task, long seed) {
            if (task == QualityTask.DEGRADATION) {
                return new ImageAnswer(sampleId, List.of("<think>\nblur\n</think>\n<answer>\n{\"distortion_class\": "
                        + "\"blur\", \"severity\": \"slight\"}\n</answer>"), Double.NaN, true);
            }
            long sum = 0;
            for (int y = 0; y < image.getHeight(); y += 4) {
                for (int x = 0; x < image.getWidth(); x += 4) {
                    sum += (image.getRGB(x, y) >> 8) & 0xff;
                }
            }
            double mean = sum / (double) (((image.getHeight() + 3) / 4) * ((image.getWidth() + 3) / 4));
            double score = 1 + 4 * mean / 255;
            return new ImageAnswer(sampleId, List.of(String.format(Locale.ROOT, "<answer>%.2f</answer>", score)),
                    Math.round(score * 100) / 100.0, true);
        }

        @Override
        public long weightVersion() {
            return 7;
        }

        @Override
        public String modelId() {
            return "brightness";
        }

        @Override
        public boolean constrainsAnswers() {
            return false;
        }
    }

    private Config config() {
        return ConfigFactory.parseString("visq.data.datasets = [{ name = clive, format = csv, "
                + "images = \"{shared}/data/clive\", labels = \"{shared}/data/clive/mos.csv\" }]")
                // the statistics-only model: these tests compare data paths, not the image features
                .withFallback(ConfigFactory.parseMap(Map.of("visq.data.shared-dir", SHARED.toString(),
                        "visq.data.work-dir", temp.resolve("work").toString(), "visq.model.image-features", "none",
                        "visq.model.quality-prior", "none")))
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    private EvaluationRun run(Path out, ByteArrayOutputStream progress) {
        EvaluationSettings settings = new EvaluationSettings(temp.resolve("no-checkpoint"), out,
                ScoreDecoding.greedy(), List.of(QualityTask.SCORE, QualityTask.DEGRADATION), IMAGES);
        return new EvaluationRun(config(), settings,
                new ProgressLine(new PrintStream(progress, true, StandardCharsets.UTF_8), false, System::nanoTime));
    }

    @Test
    void anAssembledCliveFolderGivesTheNumbersOfTheEmbeddedSplit() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        EvaluationRun embedded = run(temp.resolve("embedded"), progress);
        List<EvaluationTarget> heldOut = embedded.heldOutTargets();
        assertEquals(List.of("clive-validation"), heldOut.stream().map(EvaluationTarget::name).toList());
        EvaluationSummary expected = embedded.evaluate(heldOut, new BrightnessAnswering());

        // the user's folder: the held-out images (links to ../shared, read in place) and a CSV of their raw MOS
        Path folder = Files.createDirectories(temp.resolve("holdout"));
        StringBuilder csv = new StringBuilder("image,mos\n");
        for (IqaSample sample : heldOut.get(0).samples()) {
            Path name = sample.image().getFileName();
            Files.createSymbolicLink(folder.resolve(name), sample.image());
            csv.append(name).append(',').append(sample.mos()).append('\n');
        }
        Files.writeString(folder.resolve("mos.csv"), csv);
        // CLIVE's MOS range, as the embedded entry normalises it (over all 820 images of ../shared/data/clive)
        MosScale clive = MosScale.of(DatasetReader.read(DatasetSpec.forEvaluation("clive", DatasetFormat.CSV,
                SHARED.resolve("data/clive"), SHARED.resolve("data/clive/mos.csv")), temp).samples().stream()
                .map(IqaSample::mos).toList());
        List<EvaluationTarget> assembled = EvaluationRun.wholeSets(List.of(DatasetSpec.forEvaluation("holdout",
                DatasetFormat.CSV, folder, folder.resolve("mos.csv")).withMosRange(clive)), temp);
        EvaluationSummary actual = run(temp.resolve("assembled"), progress).evaluate(assembled,
                new BrightnessAnswering());

        EvaluationReport want = expected.dataset("clive-validation").report();
        EvaluationReport got = actual.dataset("holdout").report();
        assertEquals(IMAGES, got.imageCount());
        assertEquals(want.imageCount(), got.imageCount());
        assertAgreementEquals(want.model(), got.model());
        for (int b = 0; b < want.baselines().size(); b++) {
            BaselineRow w = want.baselines().get(b);
            assertEquals(w.name(), got.baselines().get(b).name());
            assertAgreementEquals(w.agreement(), got.baselines().get(b).agreement());
        }
        assertTrue(Double.isFinite(got.model().srcc()) && Double.isFinite(got.baselines().get(0).agreement().srcc()));
        assertEquals(predictions(temp.resolve("embedded/clive-validation-predictions.csv")),
                predictions(temp.resolve("assembled/holdout-predictions.csv")));
        String summary = Files.readString(temp.resolve("assembled/summary.md"));
        assertTrue(summary.contains(String.format(Locale.ROOT, "| holdout | visq | %d | %.4f |", IMAGES,
                got.model().srcc())), summary);
        assertTrue(summary.contains("| holdout | niqe | " + IMAGES + " |"), summary);
        assertTrue(summary.contains("| holdout | brisque | " + IMAGES + " |"), summary);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("40/40 holdout"), progress.toString());
    }

    @Test
    void aMissingOrUnreadableImageIsARowWithItsProblem() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("own"));
        List<String> names = List.of("100.png", "1001.JPG", "1002.JPG", "1003.JPG");
        StringBuilder csv = new StringBuilder("image,mos\n");
        for (int i = 0; i < names.size(); i++) {
            Files.createSymbolicLink(folder.resolve(names.get(i)), SHARED.resolve("data/clive/images/" + names.get(i)));
            csv.append(names.get(i)).append(',').append(10 * (i + 1)).append('\n');
        }
        Files.writeString(folder.resolve("broken.png"), "not a PNG");
        csv.append("broken.png,55\nmissing.png,60\n");
        Files.writeString(folder.resolve("mos.csv"), csv);
        List<EvaluationTarget> targets = EvaluationRun.wholeSets(List.of(
                DatasetSpec.forEvaluation("own", DatasetFormat.CSV, folder, folder.resolve("mos.csv"))), temp);
        EvaluationSummary summary = run(temp.resolve("out"), new ByteArrayOutputStream())
                .evaluate(targets, new BrightnessAnswering());

        DatasetEvaluation own = summary.dataset("own");
        assertEquals(4, own.report().imageCount());
        assertEquals(2, own.imagesWithProblems());
        List<String> rows = Files.readAllLines(temp.resolve("out/own-predictions.csv"));
        assertEquals(7, rows.size(), rows.toString());
        assertTrue(rows.get(5).startsWith(folder.resolve("broken.png") + ",own/broken.png,55.0,"), rows.get(5));
        assertTrue(rows.get(5).contains("image unreadable: ") || rows.get(5).contains("invalid image: "), rows.get(5));
        assertTrue(rows.get(6).endsWith(",image not found: " + folder.resolve("missing.png")), rows.get(6));
        assertTrue(summary.markdown().contains("## own (6 images, 2 with problems: see own-predictions.csv)"),
                summary.markdown());
        assertTrue(summary.markdown().contains("Parsed answers: score 4/4 (1.000)"), summary.markdown());
    }

    @Test
    void severalSetsGiveATableEachAndASummary() throws Exception {
        List<EvaluationTarget> targets = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            Path folder = Files.createDirectories(temp.resolve(name));
            StringBuilder csv = new StringBuilder("image,mos\n");
            String[] images = name.equals("first") ? new String[] {"100.png", "1001.JPG", "1002.JPG"}
                    : new String[] {"1003.JPG", "1004.JPG", "1006.JPG", "1009.JPG"};
            for (int i = 0; i < images.length; i++) {
                Files.createSymbolicLink(folder.resolve(images[i]), SHARED.resolve("data/clive/images/" + images[i]));
                csv.append(images[i]).append(',').append(i).append('\n');
            }
            Files.writeString(folder.resolve("mos.csv"), csv);
            targets.addAll(EvaluationRun.wholeSets(List.of(
                    DatasetSpec.forEvaluation(name, DatasetFormat.CSV, folder, folder.resolve("mos.csv"))), temp));
        }
        String markdown = run(temp.resolve("out"), new ByteArrayOutputStream())
                .evaluate(targets, new BrightnessAnswering()).markdown();
        assertTrue(markdown.contains("## first (3 images)\n\n| dataset | method | n | SRCC |"), markdown);
        assertTrue(markdown.contains("## second (4 images)"), markdown);
        assertTrue(markdown.contains("## Summary: mean over 2 datasets"), markdown);
        assertTrue(markdown.contains("| visq | 2 | 7 |"), markdown);
        assertTrue(markdown.contains("| niqe | 2 | 7 |"), markdown);
        assertTrue(Files.isRegularFile(temp.resolve("out/first-evaluation.md")));
        assertTrue(Files.isRegularFile(temp.resolve("out/second-evaluation.json")));
        assertFalse(markdown.contains("Degradation:"), "no degradation labels, no degradation metrics");
    }

    private static void assertAgreementEquals(ScoreAgreement want, ScoreAgreement got) {
        assertEquals(want.srcc(), got.srcc(), "SRCC");
        assertEquals(want.krcc(), got.krcc(), "KRCC");
        assertEquals(want.plccRaw(), got.plccRaw(), "PLCC raw");
        assertEquals(want.plccFitted(), got.plccFitted(), "PLCC fitted");
    }

    /** The prediction rows without the columns that name the file and the dataset. */
    private static List<String> predictions(Path file) throws Exception {
        return Files.readAllLines(file).stream().skip(1).map(line -> line.substring(line.indexOf(',',
                line.indexOf(',') + 1))).toList();
    }
}
