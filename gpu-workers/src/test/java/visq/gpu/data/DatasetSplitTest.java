package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {

    private static List<IqaSample> grouped(int groups, int perGroup) {
        List<IqaSample> samples = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < perGroup; k++) {
                samples.add(new IqaSample(DegradationSet.DATASET_ID + "/src" + g + "/c0/v" + k,
                        DegradationSet.DATASET_ID, Path.of("x.png"), 3, 3, Optional.empty()));
            }
        }
        return samples;
    }

    private static Set<String> groups(List<IqaSample> samples, Function<IqaSample, String> key) {
        return samples.stream().map(key).collect(Collectors.toSet());
    }

    @Test
    void keepsEverySourceOnOneSide() {
        List<IqaSample> samples = grouped(24, 21);
        DatasetSplit.Parts parts = new DatasetSplit(5L, 0.25).split(samples, DegradationSet::sourceImage);
        Set<String> training = groups(parts.training(), DegradationSet::sourceImage);
        Set<String> validation = groups(parts.validation(), DegradationSet::sourceImage);
        assertEquals(6, validation.size());
        assertEquals(18, training.size());
        assertTrue(Collections.disjoint(training, validation));
        assertEquals(samples.size(), parts.training().size() + parts.validation().size());
    }

    @Test
    void dependsOnTheSeedButNotOnSampleOrder() {
        List<IqaSample> samples = grouped(24, 3);
        List<IqaSample> reversed = new ArrayList<>(samples);
        Collections.reverse(reversed);
        DatasetSplit split = new DatasetSplit(9L, 0.3);
        Function<IqaSample, String> key = DegradationSet::sourceImage;
        assertEquals(groups(split.split(samples, key).validation(), key),
                groups(split.split(reversed, key).validation(), key));
        assertEquals(split.split(samples, key), split.split(samples, key));
        assertNotEquals(groups(split.split(samples, key).validation(), key),
                groups(new DatasetSplit(10L, 0.3).split(samples, key).validation(), key));
    }

    @Test
    void splitsTheRealCliveSetByImage() throws Exception {
        List<IqaSample> clive = TestDatasets.clive();
        DatasetSplit.Parts parts = new DatasetSplit(1L, 0.2).split(clive, DatasetSplit::byImage);
        assertEquals(164, parts.validation().size());
        assertEquals(656, parts.training().size());
        Set<String> validationIds = new HashSet<>(groups(parts.validation(), IqaSample::id));
        assertTrue(parts.training().stream().noneMatch(s -> validationIds.contains(s.id())));
    }

    @Test
    void holdsOutAtLeastOneAndAtMostAllButOneGroup() {
        assertEquals(1, groups(new DatasetSplit(1L, 0.01).split(grouped(3, 2), DegradationSet::sourceImage)
                .validation(), DegradationSet::sourceImage).size());
        assertEquals(2, groups(new DatasetSplit(1L, 0.99).split(grouped(3, 2), DegradationSet::sourceImage)
                .validation(), DegradationSet::sourceImage).size());
        assertTrue(new DatasetSplit(1L, 0).split(grouped(3, 2), DegradationSet::sourceImage).validation().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new DatasetSplit(1L, 1.0));
    }
}
