package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import visq.actors.coordinator.TrainingRecipe;
import visq.gpu.data.IqaSample;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.features.RidgeReadout;

/**
 * {@code visq.model.quality-prior = ridge}: the learner fits the prior on the training split of the MOS datasets
 * only (never the generated Kodak crops, whose scores are a severity proxy, nor held-out images), and refuses a run
 * that withholds the labels or has none.
 */
class QualityPriorFitTest {
    private static final Path SHARED =
            Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();

    private static Config config(String datasets) {
        return ConfigFactory.parseMap(Map.of("visq.data.shared-dir", SHARED.toString(),
                        "visq.data.work-dir", Path.of("target/visq-data").toAbsolutePath().toString(),
                        "visq.data.prepare-ahead-threads", 0, "visq.model.image-features", "none",
                        "visq.data.clive-images", 24))
                .withFallback(ConfigFactory.parseString(datasets))
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void theFitReadsTheMosDatasetsTrainingImagesOnly() {
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config("")));
        QualityPriorFit fit = QualityPriorFit.fit(corpus, TrainingRecipe.SUPERVISED);
        List<IqaSample> clive = corpus.datasets().stream().filter(d -> d.dataset().equals("clive"))
                .flatMap(d -> d.training().stream()).toList();
        assertEquals(24, clive.size());
        assertEquals(clive.size(), fit.images());
        assertEquals(ImageStatistics.COUNT, fit.readout().weights().length);
        // the same read-out fit directly on those images' statistics and normalised MOS (RidgeReadoutTest checks
        // the fit itself against the primal solution)
        RidgeReadout direct = RidgeReadout.fit(
                clive.stream().map(s -> corpus.image(s.id()).statistics()).toArray(float[][]::new),
                clive.stream().mapToDouble(IqaSample::normalisedMos).toArray());
        assertArrayEquals(direct.weights(), fit.readout().weights());
        assertEquals(direct.bias(), fit.readout().bias());
        assertTrue(fit.trainingSrcc() > 0, "in-sample SRCC " + fit.trainingSrcc());
    }

    @Test
    void aRunThatWithholdsTheLabelsIsRefused() {
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config("")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityPriorFit.fit(corpus, TrainingRecipe.RL_FIRST));
        assertTrue(e.getMessage().contains("rl-first") && e.getMessage().contains("quality-prior = none"),
                e.getMessage());
    }

    @Test
    void aCorpusWithoutMosLabelsIsRefused() {
        TrainingCorpus corpus = TrainingCorpus.load(DataSettings.fromConfig(config("visq.data.datasets = [{ name = "
                + "\"kodak-degraded\", format = \"generated-degradations\", images = \"{shared}/data/kodak\", "
                + "tasks = [\"degradation\", \"score-number\"] }]")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityPriorFit.fit(corpus, TrainingRecipe.SUPERVISED));
        assertTrue(e.getMessage().contains("no dataset with MOS labels"), e.getMessage());
    }
}
