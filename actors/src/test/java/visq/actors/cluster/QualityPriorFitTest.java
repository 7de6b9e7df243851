package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    @Test
    void theFitReadsTheMosDatasetsTrainingImagesOnly() {
        TrainingCorpus corpus = PriorFitCorpora.defaults();
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
        TrainingCorpus corpus = PriorFitCorpora.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityPriorFit.fit(corpus, TrainingRecipe.RL_FIRST));
        assertTrue(e.getMessage().contains("rl-first") && e.getMessage().contains("quality-prior = none"),
                e.getMessage());
    }

    @Test
    void aCorpusWithoutMosLabelsIsRefused() {
        TrainingCorpus corpus = PriorFitCorpora.withDatasets("visq.data.datasets = [{ name = "
                + "\"kodak-degraded\", format = \"generated-degradations\", images = \"{shared}/data/kodak\", "
                + "tasks = [\"degradation\", \"score-number\"] }]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityPriorFit.fit(corpus, TrainingRecipe.SUPERVISED));
        assertTrue(e.getMessage().contains("no dataset with MOS labels"), e.getMessage());
    }
}
