package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.SharedData;
import visq.gpu.image.DegradationClass;
import visq.gpu.image.DegradationLabel;
import visq.gpu.image.Severity;

class DegradationSetTest {

    private static final DegradationSet.Settings SMALL = new DegradationSet.Settings(3L, 2, 1, 64);

    @TempDir
    Path temp;

    private static Path kodak() {
        return SharedData.file("kodak");
    }

    @Test
    void writesTwentyOneLabelledImagesPerCrop() throws Exception {
        Path target = temp.resolve("set");
        List<IqaSample> samples = new DegradationSet(SMALL).generate(kodak(), target);
        assertEquals(2 * 21, samples.size());
        assertEquals(Set.of("kodim01", "kodim02"),
                samples.stream().map(DegradationSet::sourceImage).collect(Collectors.toSet()));
        assertEquals(2 * 21, samples.stream().map(IqaSample::id).distinct().count());

        IqaSample blur = samples.stream()
                .filter(s -> s.id().equals("kodak-degraded/kodim02/c0/blur-serious")).findFirst().orElseThrow();
        assertEquals(DegradationLabel.of(DegradationClass.BLUR, Severity.SERIOUS), blur.label().orElseThrow());
        assertEquals(1.8, blur.mos());
        assertEquals(1.8, blur.normalisedMos());
        BufferedImage image = ImageDecoder.decode(blur.image(), ImageLimits.defaults());
        assertEquals(64, image.getWidth());
        assertEquals(64, image.getHeight());

        assertEquals(2, samples.stream().filter(s -> s.label().orElseThrow().isNone()).count());
        assertTrue(samples.stream().allMatch(s -> s.dataset().equals(DegradationSet.DATASET_ID)));
        assertTrue(Files.isRegularFile(target.resolve("labels.csv")));
    }

    @Test
    void sameSeedGivesIdenticalBytes() throws Exception {
        List<IqaSample> first = new DegradationSet(SMALL).generate(kodak(), temp.resolve("a"));
        List<IqaSample> second = new DegradationSet(SMALL).generate(kodak(), temp.resolve("b"));
        assertEquals(first.stream().map(IqaSample::id).toList(), second.stream().map(IqaSample::id).toList());
        List<String> names = fileNames(temp.resolve("a"));
        assertEquals(names, fileNames(temp.resolve("b")));
        assertEquals(2 * 21 + 2, names.size());
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(temp.resolve("a").resolve(name)),
                    Files.readAllBytes(temp.resolve("b").resolve(name)), name);
        }
    }

    @Test
    void anotherSeedCutsElsewhere() throws Exception {
        new DegradationSet(SMALL).generate(kodak(), temp.resolve("a"));
        new DegradationSet(new DegradationSet.Settings(4L, 2, 1, 64)).generate(kodak(), temp.resolve("b"));
        assertFalse(Files.readString(temp.resolve("a/labels.csv")).equals(Files.readString(temp.resolve("b/labels.csv"))));
    }

    @Test
    void skipsGenerationWhenTheManifestMatches() throws Exception {
        Path target = temp.resolve("set");
        List<IqaSample> generated = new DegradationSet(SMALL).generate(kodak(), target);
        Path marked = generated.get(5).image();
        byte[] original = Files.readAllBytes(marked);
        Files.write(marked, new byte[] {42});

        List<IqaSample> again = new DegradationSet(SMALL).generate(kodak(), target);
        assertEquals(generated, again);
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(marked), "images were regenerated");

        new DegradationSet(new DegradationSet.Settings(3L, 2, 2, 64)).generate(kodak(), target);
        assertArrayEquals(original, Files.readAllBytes(marked), "changed settings must regenerate");
    }

    @Test
    void regeneratesWhenAnImageIsMissing() throws Exception {
        Path target = temp.resolve("set");
        List<IqaSample> generated = new DegradationSet(SMALL).generate(kodak(), target);
        Files.delete(generated.get(0).image());
        new DegradationSet(SMALL).generate(kodak(), target);
        assertTrue(Files.isRegularFile(generated.get(0).image()));
    }

    @Test
    void splitsBySourceWithoutLeaks() throws Exception {
        List<IqaSample> samples = new DegradationSet(new DegradationSet.Settings(3L, 4, 2, 32))
                .generate(kodak(), temp.resolve("set"));
        DatasetSplit.Parts parts = new DatasetSplit(1L, 0.25).split(samples, DegradationSet::sourceImage);
        Set<String> training = parts.training().stream().map(DegradationSet::sourceImage).collect(Collectors.toSet());
        Set<String> validation =
                parts.validation().stream().map(DegradationSet::sourceImage).collect(Collectors.toSet());
        assertEquals(1, validation.size());
        assertEquals(3, training.size());
        assertTrue(Collections.disjoint(training, validation));
        assertEquals(42, parts.validation().size());
    }

    @Test
    void proxyScoresFallWithSeverity() {
        assertEquals(5.0, DegradationSet.proxyMos(DegradationLabel.none()));
        double[] expected = {4.2, 3.4, 2.6, 1.8, 1.0};
        for (Severity severity : Severity.values()) {
            assertEquals(expected[severity.level() - 1],
                    DegradationSet.proxyMos(DegradationLabel.of(DegradationClass.NOISE, severity)));
        }
    }

    @Test
    void refusesAFolderWithoutSources() {
        assertThrows(IOException.class, () -> new DegradationSet(SMALL).generate(temp, temp.resolve("set")));
    }

    private static List<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
