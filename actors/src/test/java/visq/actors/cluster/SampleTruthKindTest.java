package visq.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import visq.gpu.data.IqaSample;
import visq.gpu.rewards.SampleTruth;

/**
 * The truth of a training sample says whether its score is an opinion score (a MOS dataset) or only orders a ranking
 * block (a generated set's severity proxy), so that no reward takes a proxy for an absolute target.
 */
class SampleTruthKindTest {

    @Test
    void generatedCropsAreRankingOnlyAndOpinionScoresAreNot() {
        TrainingCorpus corpus = PriorFitCorpora.defaults();
        IqaSample crop = training(corpus, "kodak-degraded");
        IqaSample photo = training(corpus, "clive");
        SampleTruth cropTruth = corpus.truth(crop.id());
        assertTrue(cropTruth.rankingOnly(), crop.id());
        assertEquals(crop.normalisedMos(), cropTruth.normalisedMos(), "the proxy itself is kept: it orders the block");
        assertFalse(corpus.truth(photo.id()).rankingOnly(), photo.id());
    }

    private static IqaSample training(TrainingCorpus corpus, String dataset) {
        List<IqaSample> samples = corpus.datasets().stream().filter(d -> d.dataset().equals(dataset))
                .flatMap(d -> d.training().stream()).toList();
        return samples.get(0);
    }
}
