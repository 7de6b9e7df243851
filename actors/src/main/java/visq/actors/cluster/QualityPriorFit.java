package visq.actors.cluster;

import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import visq.actors.coordinator.TrainingRecipe;
import visq.gpu.data.DatasetFormat;
import visq.gpu.data.IqaSample;
import visq.gpu.eval.CorrelationMetrics;
import visq.gpu.image.features.RidgeReadout;
import visq.gpu.model.CompactQualityPrior;
import visq.gpu.tasks.QualityTask;

/**
 * The compact policy's frozen quality prior ({@code visq.model.quality-prior = ridge}), fit when a run starts: a
 * ridge read-out from each training image's statistics token inputs (natural-scene statistics and pretrained
 * features) to its normalised MOS, over the training split of every dataset that serves a score task with MOS labels
 * (generated-degradation sets carry only a severity proxy comparable within one source, so they are left out).
 * Held-out images never take part. Blocks while the images are prepared: call it on the learner's dispatcher.
 *
 * @param readout the fitted read-out
 * @param images how many training images it was fit on
 * @param trainingSrcc SRCC of the read-out against those images' MOS (an in-sample figure, for the log)
 */
record QualityPriorFit(RidgeReadout readout, int images, double trainingSrcc) {

    private static final Logger LOG = LoggerFactory.getLogger(QualityPriorFit.class);

    /** Sets {@code prior} to this read-out and logs what it was fit on. */
    void applyTo(CompactQualityPrior prior) {
        prior.set(readout.weights(), readout.bias());
        LOG.info(String.format(Locale.ROOT, "quality prior: ridge read-out of %d image statistics fit to the MOS of "
                + "%d training images (lambda = %s, in-sample SRCC %.3f)", readout.weights().length, images,
                readout.lambda(), trainingSrcc));
    }

    /**
     * Fits the prior on {@code corpus}'s training split.
     *
     * @throws IllegalArgumentException when the recipe withholds labels, or no training image has a MOS label
     */
    static QualityPriorFit fit(TrainingCorpus corpus, TrainingRecipe recipe) {
        if (recipe == TrainingRecipe.RL_FIRST) {
            throw new IllegalArgumentException("visq.model.quality-prior = ridge is fit to the training labels, which "
                    + "visq.training.recipe = rl-first withholds: set visq.model.quality-prior = none for rl-first");
        }
        List<IqaSample> samples = corpus.datasets().stream()
                .filter(dataset -> dataset.format() != DatasetFormat.GENERATED)
                .filter(dataset -> dataset.tasks().contains(QualityTask.SCORE)
                        || dataset.tasks().contains(QualityTask.SCORE_NUMBER))
                .flatMap(dataset -> dataset.training().stream())
                .toList();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("visq.model.quality-prior = ridge is fit to the MOS of the training "
                    + "images, but no dataset with MOS labels trains a score task here; set "
                    + "visq.model.quality-prior = none");
        }
        float[][] features = samples.stream().map(sample -> corpus.image(sample.id()).statistics())
                .toArray(float[][]::new);
        double[] mos = samples.stream().mapToDouble(IqaSample::normalisedMos).toArray();
        RidgeReadout readout = RidgeReadout.fit(features, mos);
        double[] predicted = new double[features.length];
        for (int i = 0; i < features.length; i++) {
            predicted[i] = readout.apply(features[i]);
        }
        return new QualityPriorFit(readout, samples.size(), CorrelationMetrics.srcc(predicted, mos));
    }
}
