package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.SharedData;
import visq.gpu.image.DegradationLabel;

/** Ranking blocks of a generated set: one source crop and one class each, every crop of a chain in some block. */
class SeverityBlocksTest {

    @TempDir
    Path temp;

    private List<IqaSample> generated() throws IOException {
        return new DegradationSet(new DegradationSet.Settings(3L, 2, 2, 64), "kodak-degraded")
                .generate(SharedData.data().resolve("kodak"), temp);
    }

    @Test
    void blocksRankCropsOfOneSourceAndClassAndCoverEveryCrop() throws IOException {
        List<IqaSample> samples = generated();
        List<List<IqaSample>> blocks = SeverityBlocks.of(samples, 4, 9);
        // 2 sources x 2 crops x 4 classes = 16 chains of 6 (clean + 5 severities): ceil(6 / 4) = 2 blocks each
        assertEquals(32, blocks.size());
        Map<String, Integer> seen = new HashMap<>();
        for (List<IqaSample> block : blocks) {
            assertEquals(4, block.size());
            assertEquals(4, new HashSet<>(block).size(), "distinct crops");
            Set<String> crops = new HashSet<>();
            Set<String> classes = new HashSet<>();
            double previous = Double.POSITIVE_INFINITY;
            for (IqaSample sample : block) {
                crops.add(DegradationSet.sourceCrop(sample));
                sample.label().flatMap(DegradationLabel::degradationClass).ifPresent(c -> classes.add(c.answerName()));
                assertTrue(sample.mos() < previous, "clean to most severe, proxy strictly falling: " + block);
                previous = sample.mos();
                seen.merge(sample.id(), 1, Integer::sum);
            }
            assertEquals(1, crops.size(), "one source crop: " + block);
            assertEquals(1, classes.size(), "one class: " + block);
        }
        assertEquals(samples.size(), seen.size(), "every crop ranks in some block");
        assertEquals(blocks, SeverityBlocks.of(samples, 4, 9), "same seed, same blocks");
    }

    @Test
    void aBlockLargerThanAChainIsRefused() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeverityBlocks.of(generated(), 7, 1));
        assertTrue(e.getMessage().contains("has 6 crops, fewer than a block of 7"), e.getMessage());
    }
}
