package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.actors.coordinator.TrainingData;
import visq.actors.coordinator.TrainingSettings;
import visq.actors.rollout.PromptRef;
import visq.gpu.data.InvalidDatasetsException;
import visq.gpu.tasks.QualityTask;

/**
 * {@code visq.data.datasets} read from configuration: user datasets of several formats train side by side, each
 * task's prompts grouped per dataset; a bad configuration is refused with one error that lists every problem of
 * every entry and file, with file and line, before anything trains.
 */
class ConfiguredDatasetsTest {

    @TempDir
    Path folder;

    @BeforeEach
    void fixtures() throws IOException {
        for (String name : List.of("a.jpg", "b.jpg", "c.jpg", "d.jpg", "I01_01_01.png", "I01_19_02.png",
                "I02_11_03.png", "I03_10_01.png")) {
            Files.write(folder.resolve(name), new byte[] {1});
        }
        write("own.csv", "image,mos\na.jpg,10\nb.jpg,20\nc.jpg,30\nd.jpg,40\n");
        write("vq.jsonl", "{\"image\": \"a.jpg\", \"conversations\": [{\"from\": \"gpt\", \"value\": 2.0}]}\n"
                + "{\"image\": \"b.jpg\", \"conversations\": [{\"from\": \"gpt\", \"value\": 4.0}]}\n");
        write("dmos.csv", "dist_img,ref_img,dmos,var\nI01_01_01.png,I01.png,4,0\nI01_19_02.png,I01.png,3,0\n"
                + "I02_11_03.png,I02.png,2,0\nI03_10_01.png,I03.png,4.5,0\n");
    }

    private Config config(String datasets) {
        return ConfigFactory.parseString("visq.data.datasets = " + datasets.replace("DIR", folder.toString()))
                .withFallback(ConfigFactory.parseMap(java.util.Map.of("visq.data.work-dir", folder.resolve("work")
                        .toString())))
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void trainsOnDatasetsOfSeveralFormatsGroupedPerDataset() {
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config("""
                [ { name = own, format = csv, images = "DIR", labels = "DIR/own.csv", split = train,
                    max-training-images = 3 }
                  { name = vq, format = visualquality-r1, images = "DIR", labels = "DIR/vq.jsonl", split = train,
                    tasks = [score-number], mos-range = [1, 5] }
                  { name = kadid, format = kadid, images = "DIR", labels = "DIR/dmos.csv", split = train,
                    tasks = [degradation] }
                  { name = holdout, format = csv, images = "DIR", labels = "DIR/own.csv", split = eval } ]
                """)));
        TrainingData data = corpus.trainingData(TrainingSettings.fromConfig(ConfigFactory.defaultReference()));
        assertEquals(List.of("own"), names(data.datasets(QualityTask.SCORE)));
        assertEquals(List.of("own", "vq"), names(data.datasets(QualityTask.SCORE_NUMBER)));
        assertEquals(List.of("own/a.jpg", "own/b.jpg", "own/c.jpg"), ids(data.datasets(QualityTask.SCORE).get(0)));
        // KADID type 19 (jitter) has no class: 3 of the 4 images serve the degradation task
        assertEquals(List.of("kadid/I01_01_01.png", "kadid/I02_11_03.png", "kadid/I03_10_01.png"),
                ids(data.datasets(QualityTask.DEGRADATION).get(0)));
        // declared range [1, 5]: 2.0 → 1 + 4 (2 − 1) / 4 = 2 (method.md §1)
        assertEquals(2.0, corpus.truth("vq/a.jpg").normalisedMos());
        assertEquals("vq", corpus.truth("vq/a.jpg").dataset());
        assertEquals(4, corpus.datasets().get(3).validation().size(), "the eval split holds every image out");
        assertTrue(corpus.datasets().get(3).training().isEmpty());
    }

    @Test
    void refusesEveryProblemOfEveryEntryAndFileInOneError() throws IOException {
        write("bad.csv", "image,mos\na.jpg,1\nmissing.jpg,2\na.jpg,3\nb.jpg,high\n");
        InvalidDatasetsException e = assertThrows(InvalidDatasetsException.class, () -> TrainingCorpus.load(
                DataSettings.fromConfig(config("""
                [ { name = bad, format = csv, images = "DIR", labels = "DIR/bad.csv" }
                  { name = typo, format = jsonx, images = "DIR", labels = "DIR/own.csv", labes = x }
                  { name = nolabels, format = csv, images = "DIR" }
                  { name = ranged, format = csv, images = "DIR", labels = "DIR/own.csv", mos-range = [0, 25],
                    tasks = [score, rank] }
                  { name = bad, format = csv, images = "DIR", labels = "DIR/own.csv" }
                  { name = gone, format = q-insight, images = "DIR", labels = "DIR/gone.json" } ]
                """))));
        String csv = folder.resolve("bad.csv").toString();
        assertEquals(List.of(
                "visq.data.datasets[1]: unknown key 'labes' (an entry has crop-size, crops-per-source, format, images, "
                        + "labels, max-training-images, mos-range, name, seed, sources, split, tasks, "
                        + "validation-fraction)",
                "visq.data.datasets[1]: dataset typo: unknown format 'jsonx' (one of csv, q-insight, "
                        + "visualquality-r1, kadid, tid2013, generated-degradations)",
                "visq.data.datasets[2]: dataset nolabels: no labels file (key 'labels')",
                "visq.data.datasets[3]: dataset ranged: unknown task 'rank' (one of degradation, score, score-number)",
                "visq.data.datasets[4]: name 'bad' is already used by visq.data.datasets[0]",
                csv + " line 3: image 'missing.jpg' not found in " + folder + " or its images/ folder",
                csv + " line 4: image 'a.jpg' is listed twice (first on line 2)",
                csv + " line 5: mos 'high' is not a number",
                folder.resolve("gone.json") + ": labels file not found (dataset gone)"),
                e.problems().stream().map(Object::toString).toList());
        assertTrue(e.getMessage().startsWith("9 problems in the datasets:\n  visq.data.datasets[1]: unknown key"),
                e.getMessage());
    }

    @Test
    void refusesAScoreOutsideTheDeclaredRange() {
        InvalidDatasetsException e = assertThrows(InvalidDatasetsException.class, () -> TrainingCorpus.load(
                DataSettings.fromConfig(config("""
                [ { name = ranged, format = csv, images = "DIR", labels = "DIR/own.csv", mos-range = [0, 25] } ]
                """))));
        String csv = folder.resolve("own.csv").toString();
        assertEquals(List.of(csv + " line 4: mos 30.0 is outside the declared mos-range [0, 25]",
                csv + " line 5: mos 40.0 is outside the declared mos-range [0, 25]"),
                e.problems().stream().map(Object::toString).toList());
    }

    @Test
    void refusesAGeneratedSetWithoutSources() {
        InvalidDatasetsException e = assertThrows(InvalidDatasetsException.class, () -> TrainingCorpus.load(
                DataSettings.fromConfig(config("""
                [ { name = gen, format = generated-degradations, images = "DIR/nowhere", labels = "DIR/own.csv" }
                  { name = gen2, format = generated-degradations, images = "DIR/nowhere" } ]
                """))));
        assertEquals(List.of("visq.data.datasets[0]: dataset gen: format generated-degradations generates its "
                + "labels (no labels file, generation settings needed)",
                folder.resolve("nowhere") + ": source folder not found (dataset gen2)"),
                e.problems().stream().map(Object::toString).toList());
    }

    @Test
    void refusesAnEmptyList() {
        InvalidDatasetsException e = assertThrows(InvalidDatasetsException.class,
                () -> TrainingCorpus.load(DataSettings.fromConfig(config("[]"))));
        assertEquals("1 problem in the datasets:\n  visq.data.datasets: lists no dataset", e.getMessage());
    }

    @Test
    void theEmbeddedDefaultIsTwoEntriesAndCliveImagesStillCapsClive() {
        Config legacy = ConfigFactory.parseString("visq.data.clive-images = 16\nvisq.data.kodak-sources = 4")
                .withFallback(ConfigFactory.defaultReference());
        DataSettings settings = DataSettings.fromConfig(legacy);
        assertEquals(List.of(), settings.configurationProblems());
        assertEquals(16, settings.datasets().get(1).maxTrainingImages());
        assertEquals(4, settings.datasets().get(0).generation().orElseThrow().sourceLimit());
        assertEquals(Path.of("../shared/data/clive/mos.csv"), settings.datasets().get(1).labels().orElseThrow());
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(folder.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static List<String> names(List<TrainingData.DatasetPrompts> datasets) {
        return datasets.stream().map(TrainingData.DatasetPrompts::dataset).toList();
    }

    private static List<String> ids(TrainingData.DatasetPrompts dataset) {
        return dataset.prompts().stream().map(PromptRef::sampleId).toList();
    }
}
