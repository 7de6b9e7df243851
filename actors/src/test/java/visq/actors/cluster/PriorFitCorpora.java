package visq.actors.cluster;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * The small training corpora the prior-fit tests read from ../shared: 24 CLIVE photos and the degraded crops of 4
 * Kodak sources (one of them held out), statistics only (no MobileNet features), prepared in the calling thread.
 */
final class PriorFitCorpora {
    private static final Path SHARED =
            Path.of(System.getProperty("visq.shared", "../../shared")).toAbsolutePath().normalize();

    private PriorFitCorpora() {}

    /** The default datasets, cut as above. */
    static TrainingCorpus defaults() {
        return withDatasets("");
    }

    /** {@code datasets}, HOCON setting {@code visq.data.datasets}, over the cut defaults. */
    static TrainingCorpus withDatasets(String datasets) {
        return TrainingCorpus.load(DataSettings.fromConfig(ConfigFactory.parseMap(Map.of(
                        "visq.data.shared-dir", SHARED.toString(),
                        "visq.data.work-dir", Path.of("target/visq-data").toAbsolutePath().toString(),
                        "visq.data.prepare-ahead-threads", 0, "visq.model.image-features", "none",
                        "visq.data.clive-images", 24, "visq.data.kodak-sources", 4))
                .withFallback(ConfigFactory.parseString(datasets))
                .withFallback(ConfigFactory.defaultReference()).resolve()));
    }
}
