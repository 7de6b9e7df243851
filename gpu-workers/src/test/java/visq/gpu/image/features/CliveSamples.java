package visq.gpu.image.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import visq.gpu.data.IqaSample;

/** The CLIVE photos of ../shared as the command-line probes read them: mos.csv order, raw MOS as both scores. */
final class CliveSamples {

    private CliveSamples() {}

    static List<IqaSample> read(Path shared) throws IOException {
        List<String> lines = Files.readAllLines(shared.resolve("data/clive/mos.csv"));
        List<IqaSample> samples = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            samples.add(new IqaSample("clive/" + f[0], "clive", shared.resolve("data/clive/images").resolve(f[0]),
                    Double.parseDouble(f[1]), Double.parseDouble(f[1]), Optional.empty()));
        }
        return samples;
    }
}
