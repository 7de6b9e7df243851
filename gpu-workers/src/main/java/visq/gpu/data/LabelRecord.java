package visq.gpu.data;

import java.util.Optional;
import java.util.OptionalDouble;
import visq.gpu.image.DegradationLabel;

/**
 * One entry of a labels file as read, before it is checked against the dataset: where it is, the image it names,
 * its MOS and degradation label when the format gives them, and the group it is split with (its reference image,
 * when the format names one).
 */
record LabelRecord(int line, String image, OptionalDouble mos, Optional<DegradationLabel> label,
        Optional<String> group) {

    static LabelRecord scored(int line, String image, double mos) {
        return new LabelRecord(line, image, OptionalDouble.of(mos), Optional.empty(), Optional.empty());
    }
}
