package visq.gpu.rewards;

import java.util.Optional;
import visq.gpu.image.DegradationLabel;

/** What is known to be true of a training sample: its dataset, normalised MOS and degradation label. */
public record SampleTruth(String dataset, double normalisedMos, Optional<DegradationLabel> degradation) {}
