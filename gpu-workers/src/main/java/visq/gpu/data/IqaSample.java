package visq.gpu.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import visq.gpu.image.DegradationLabel;

/**
 * One image of an image-quality dataset with its ground truth.
 *
 * @param id unique across datasets: {@code <dataset>/<name>}
 * @param dataset the dataset id; scores are only comparable within one dataset
 * @param image where the encoded image lives
 * @param mos the mean opinion score on the dataset's own scale (higher is better), or a documented proxy
 * @param normalisedMos {@code mos} mapped to [1, 5] per dataset (method.md §1)
 * @param label the exact degradation for generated images; empty for MOS datasets, where it is unknown
 */
public record IqaSample(String id, String dataset, Path image, double mos, double normalisedMos,
        Optional<DegradationLabel> label) {

    public IqaSample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(label, "label");
        if (!Double.isFinite(mos) || !Double.isFinite(normalisedMos)) {
            throw new IllegalArgumentException("sample " + id + " needs finite scores, got mos=" + mos
                    + ", normalisedMos=" + normalisedMos);
        }
    }
}
