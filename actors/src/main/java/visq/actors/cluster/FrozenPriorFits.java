package visq.actors.cluster;

import java.util.Optional;
import visq.actors.coordinator.TrainingRecipe;
import visq.gpu.model.CompactDegradationPrior;
import visq.gpu.model.CompactQualityPrior;
import visq.gpu.model.CompactVisionLanguagePolicy;

/**
 * The frozen priors of one training run, fit to its corpus the first time a learner incarnation asks and reused by
 * every later one (a restarted learner gets the same read-outs without fitting them again: the fit depends only on
 * the corpus and the recipe, which a run does not change). Incarnations start one after another on the learner's
 * dispatcher; the methods are synchronized all the same.
 */
final class FrozenPriorFits {
    private final TrainingCorpus corpus;
    private final TrainingRecipe recipe;
    private QualityPriorFit quality;
    private DegradationPriorFit degradation;

    FrozenPriorFits(TrainingCorpus corpus, TrainingRecipe recipe) {
        this.corpus = corpus;
        this.recipe = recipe;
    }

    /** Sets the frozen priors {@code policy} has to this run's fits; whether it has any. */
    synchronized boolean applyTo(CompactVisionLanguagePolicy policy) {
        Optional<CompactQualityPrior> qualityPrior = policy.qualityPrior();
        qualityPrior.ifPresent(frozen -> {
            if (quality == null) {
                quality = QualityPriorFit.fit(corpus, recipe);
            }
            quality.applyTo(frozen);
        });
        Optional<CompactDegradationPrior> degradationPrior = policy.degradationPrior();
        degradationPrior.ifPresent(frozen -> {
            if (degradation == null) {
                degradation = DegradationPriorFit.fit(corpus, recipe);
            }
            degradation.applyTo(frozen);
        });
        return qualityPrior.isPresent() || degradationPrior.isPresent();
    }
}
