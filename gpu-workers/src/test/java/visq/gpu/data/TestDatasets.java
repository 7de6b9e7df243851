package visq.gpu.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import visq.gpu.image.SharedData;

/** Datasets tests read: the shared CLIVE table, read whole as the embedded default's CSV entry reads it. */
final class TestDatasets {
    private TestDatasets() {}

    static List<IqaSample> clive() throws IOException {
        Path clive = SharedData.file("clive");
        DatasetReading reading = DatasetReader.read(
                DatasetSpec.forEvaluation("clive", DatasetFormat.CSV, clive, clive.resolve("mos.csv")), clive);
        if (!reading.problems().isEmpty()) {
            throw new IllegalStateException("the shared CLIVE table has problems: " + reading.problems());
        }
        return reading.samples();
    }
}
