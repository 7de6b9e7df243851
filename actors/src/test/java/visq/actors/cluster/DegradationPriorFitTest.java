package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;
import visq.actors.coordinator.TrainingRecipe;
import visq.gpu.data.IqaSample;
import visq.gpu.image.ImageStatistics;
import visq.gpu.image.features.RidgeReadout;
import visq.gpu.model.CompactDegradationPrior;
import visq.gpu.model.CompactModelConfig;
import visq.gpu.model.CompactVisionLanguagePolicy;
import visq.gpu.tasks.QualityTask;

/**
 * {@code visq.model.degradation-prior = ridge}: the learner fits one read-out per degradation label on the labelled
 * training images of the datasets that train the degradation task (never CLIVE, whose images carry no label, nor
 * held-out crops), and refuses a run that withholds the labels or has none.
 */
class DegradationPriorFitTest {
    @Test
    void theFitReadsTheDegradationDatasetsLabelledTrainingImagesOnly() {
        TrainingCorpus corpus = PriorFitCorpora.defaults();
        DegradationPriorFit fit = DegradationPriorFit.fit(corpus, TrainingRecipe.SUPERVISED);
        List<IqaSample> crops = corpus.datasets().stream()
                .filter(d -> d.tasks().contains(QualityTask.DEGRADATION))
                .flatMap(d -> d.training().stream()).toList();
        assertTrue(crops.stream().allMatch(s -> s.label().isPresent() && !s.id().startsWith("clive/")));
        assertEquals(crops.size(), fit.images());
        List<RidgeReadout> readouts = fit.readouts();
        assertEquals(CompactDegradationPrior.OUTPUTS.size(), readouts.size());
        // the same read-outs fit directly on those images' statistics and label indicators (RidgeReadoutTest checks
        // the fit itself against the primal solution)
        float[][] features = crops.stream().map(s -> corpus.image(s.id()).statistics()).toArray(float[][]::new);
        double[][] indicators = new double[readouts.size()][crops.size()];
        for (int i = 0; i < crops.size(); i++) {
            indicators[CompactDegradationPrior.indexOf(crops.get(i).label().orElseThrow())][i] = 1;
        }
        List<RidgeReadout> direct = RidgeReadout.fitEach(features, indicators);
        for (int o = 0; o < readouts.size(); o++) {
            assertArrayEquals(direct.get(o).weights(), readouts.get(o).weights(), "label " + o);
            assertEquals(direct.get(o).bias(), readouts.get(o).bias());
        }
        // better than guessing one of 21 labels on the images it was fit on
        assertTrue(fit.trainingAccuracy() > 3.0 / readouts.size(), "in-sample accuracy " + fit.trainingAccuracy());

        CompactModelConfig model = CompactModelConfig.compactDefault().withImageStatistics(ImageStatistics.COUNT)
                .withDegradationPrior(CompactModelConfig.RIDGE_DEGRADATION_PRIOR);
        try (CompactVisionLanguagePolicy policy = CompactVisionLanguagePolicy.create(model, Device.cpu())) {
            CompactDegradationPrior prior = policy.degradationPrior().orElseThrow();
            fit.applyTo(prior);
            float[] values = prior.valuesOf(corpus.image(crops.get(0).id()));
            for (int o = 0; o < readouts.size(); o++) {
                double expected = readouts.get(o).apply(features[0]);
                assertEquals(expected, values[o], 1e-4 * Math.max(1, Math.abs(expected)), "label " + o);
            }
        }
    }

    @Test
    void aRunThatWithholdsTheLabelsIsRefused() {
        TrainingCorpus corpus = PriorFitCorpora.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DegradationPriorFit.fit(corpus, TrainingRecipe.RL_FIRST));
        assertTrue(e.getMessage().contains("rl-first") && e.getMessage().contains("degradation-prior = none"),
                e.getMessage());
    }

    @Test
    void aCorpusWithoutDegradationLabelsIsRefused() {
        TrainingCorpus corpus = PriorFitCorpora.withDatasets("visq.data.datasets = [{ name = "
                + "\"clive\", format = \"csv\", images = \"{shared}/data/clive\", labels = "
                + "\"{shared}/data/clive/mos.csv\", tasks = [\"score\", \"score-number\"] }]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DegradationPriorFit.fit(corpus, TrainingRecipe.SUPERVISED));
        assertTrue(e.getMessage().contains("no dataset with such labels"), e.getMessage());
    }
}
