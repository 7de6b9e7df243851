package visq.actors.router;

import com.typesafe.config.Config;
import java.time.Duration;
import visq.gpu.image.ImageLimits;

/**
 * What the gRPC edge accepts of one scoring request, read once from {@code visq.router}: the image limits
 * ({@code max-image-bytes}, {@code max-pixels}; the smallest side is {@link ImageLimits#defaults()}'s) and how long a
 * request may take ({@code request-timeout}).
 */
public record ScoringRequestSettings(ImageLimits imageLimits, Duration requestTimeout) {

    public static ScoringRequestSettings fromConfig(Config config) {
        // full paths, so that a bad value's error names its key
        long maxImageBytes = config.getBytes("visq.router.max-image-bytes");
        long maxPixels = config.getLong("visq.router.max-pixels");
        if (maxImageBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException("visq.router.max-image-bytes and max-pixels must be positive, got "
                    + maxImageBytes + " and " + maxPixels);
        }
        return new ScoringRequestSettings(new ImageLimits(maxImageBytes, maxPixels, ImageLimits.defaults().minSide()),
                config.getDuration("visq.router.request-timeout"));
    }
}
