package visq.actors.cluster;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import visq.actors.coordinator.TrainingRecipe;
import visq.gpu.data.IqaSample;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.features.RidgeReadout;
import visq.gpu.model.CompactDegradationPrior;
import visq.gpu.tasks.QualityTask;

/**
 * The compact policy's frozen degradation prior ({@code visq.model.degradation-prior = ridge}), fit when a run
 * starts: for every label of {@link CompactDegradationPrior#OUTPUTS} (none, each class at each severity) a ridge
 * read-out from each training image's statistics token inputs to the indicator "the image carries this label", one λ
 * for all (5-fold cross-validation), over the training split of every dataset that serves the degradation task with
 * exact labels. Held-out images never take part. Blocks while the images are prepared: call it on the learner's
 * dispatcher.
 *
 * @param readouts one read-out per label, in {@link CompactDegradationPrior#OUTPUTS} order
 * @param images how many training images they were fit on
 * @param trainingAccuracy the share of those images whose largest read-out is their own label (in-sample, for the log)
 */
record DegradationPriorFit(List<RidgeReadout> readouts, int images, double trainingAccuracy) {

    private static final Logger LOG = LoggerFactory.getLogger(DegradationPriorFit.class);

    DegradationPriorFit {
        readouts = List.copyOf(readouts);
    }

    /** Sets {@code prior} to these read-outs and logs what they were fit on. */
    void applyTo(CompactDegradationPrior prior) {
        float[][] weights = readouts.stream().map(RidgeReadout::weights).toArray(float[][]::new);
        float[] biases = new float[readouts.size()];
        for (int o = 0; o < biases.length; o++) {
            biases[o] = readouts.get(o).bias();
        }
        prior.set(weights, biases);
        LOG.info(String.format(Locale.ROOT, "degradation prior: %d ridge read-outs of %d image statistics fit to "
                + "the labels of %d training images (lambda = %s, in-sample accuracy %.3f)", readouts.size(),
                weights[0].length, images, readouts.get(0).lambda(), trainingAccuracy));
    }

    /**
     * Fits the prior on {@code corpus}'s training split.
     *
     * @throws IllegalArgumentException when the recipe withholds labels, or no training image of a degradation task
     *     carries a label
     */
    static DegradationPriorFit fit(TrainingCorpus corpus, TrainingRecipe recipe) {
        if (recipe == TrainingRecipe.RL_FIRST) {
            throw new IllegalArgumentException("visq.model.degradation-prior = ridge is fit to the training labels, "
                    + "which visq.training.recipe = rl-first withholds: set visq.model.degradation-prior = none for "
                    + "rl-first");
        }
        List<IqaSample> samples = corpus.datasets().stream()
                .filter(dataset -> dataset.tasks().contains(QualityTask.DEGRADATION))
                .flatMap(dataset -> dataset.training().stream())
                .filter(sample -> sample.label().isPresent())
                .toList();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("visq.model.degradation-prior = ridge is fit to the degradation labels "
                    + "of the training images, but no dataset with such labels trains the degradation task here; set "
                    + "visq.model.degradation-prior = none");
        }
        float[][] features = samples.stream().map(sample -> corpus.image(sample.id()).statistics())
                .toArray(float[][]::new);
        List<DegradationLabel> outputs = CompactDegradationPrior.OUTPUTS;
        double[][] indicators = new double[outputs.size()][samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            indicators[CompactDegradationPrior.indexOf(samples.get(i).label().orElseThrow())][i] = 1;
        }
        String absent = outputs.stream().filter(label -> samples.stream()
                        .noneMatch(sample -> sample.label().orElseThrow().equals(label)))
                .map(DegradationLabel::describe).collect(Collectors.joining(", "));
        if (!absent.isEmpty()) {
            LOG.warn("degradation prior: no training image carries {}; those read-outs are 0", absent);
        }
        List<RidgeReadout> readouts = RidgeReadout.fitEach(features, indicators);
        int right = 0;
        for (int i = 0; i < features.length; i++) {
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int o = 0; o < readouts.size(); o++) {
                double value = readouts.get(o).apply(features[i]);
                if (value > bestValue) {
                    best = o;
                    bestValue = value;
                }
            }
            right += indicators[best][i] == 1 ? 1 : 0;
        }
        return new DegradationPriorFit(readouts, samples.size(), right / (double) samples.size());
    }
}
