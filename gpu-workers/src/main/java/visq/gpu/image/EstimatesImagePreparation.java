package visq.gpu.image;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An image preparation that appends the {@link DegradationEstimates} of the decoded image to another preparation's
 * statistics (after its pretrained features, when it has them). Pure; safe to share.
 */
public final class EstimatesImagePreparation implements ImagePreparation {

    private final ImagePreparation base;

    public EstimatesImagePreparation(ImagePreparation base) {
        this.base = Objects.requireNonNull(base, "base");
    }

    @Override
    public ImageTensor preprocess(BufferedImage image) {
        return base.preprocess(image).withStatisticsAppended(DegradationEstimates.of(image));
    }

    @Override
    public ImagePreparation storingUnder(Path directory) {
        return new EstimatesImagePreparation(base.storingUnder(directory));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EstimatesImagePreparation that && base.equals(that.base);
    }

    @Override
    public int hashCode() {
        return 17 * base.hashCode() + 3;
    }

    @Override
    public String toString() {
        return "EstimatesImagePreparation[" + base + "]";
    }
}
