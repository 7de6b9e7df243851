package visq.gpu.rewards;

import java.util.Optional;
import visq.gpu.image.DegradationLabel;

/**
 * What is known to be true of a training sample: its dataset, normalised MOS and degradation label.
 *
 * @param rankingOnly whether the normalised MOS only orders the samples of one ranking block (a generated set's
 *     severity proxy, more severe is worse) rather than being an opinion score: a reward may compare it with the
 *     other samples of the block, never take it as an absolute target
 */
public record SampleTruth(String dataset, double normalisedMos, Optional<DegradationLabel> degradation,
        boolean rankingOnly) {

    /** The truth of a sample whose MOS is an opinion score. */
    public SampleTruth(String dataset, double normalisedMos, Optional<DegradationLabel> degradation) {
        this(dataset, normalisedMos, degradation, false);
    }
}
