package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features stored on disk come back only for the same pixels through the same producer, and only whole. */
class FeatureStoreTest {

    @TempDir
    Path folder;

    private static BufferedImage image(int seed) {
        BufferedImage image = new BufferedImage(9, 7, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 9; x++) {
                image.setRGB(x, y, (seed * 7919 + x * 131 + y * 17) & 0xFFFFFF);
            }
        }
        return image;
    }

    @Test
    void storedFeaturesComeBackBitForBit() {
        FeatureStore store = new FeatureStore(folder);
        float[] values = {0f, -1.5f, Float.MIN_VALUE, 3.25e7f, Float.NaN};
        String key = FeatureStore.key("net a", image(1));
        assertEquals(Optional.empty(), store.read(key, values.length));
        store.write(key, values);
        assertArrayEquals(values, store.read(key, values.length).orElseThrow());
        assertArrayEquals(values, new FeatureStore(folder).read(key, values.length).orElseThrow(), "another JVM");
    }

    @Test
    void theKeyChangesWithAnyPixelTheSizeOrTheProducer() {
        BufferedImage one = image(1);
        String key = FeatureStore.key("net a", one);
        assertEquals(key, FeatureStore.key("net a", image(1)));
        BufferedImage changed = image(1);
        changed.setRGB(8, 6, changed.getRGB(8, 6) ^ 1);
        assertNotEquals(key, FeatureStore.key("net a", changed));
        assertNotEquals(key, FeatureStore.key("net b", one));
        assertNotEquals(key, FeatureStore.key("net a", one.getSubimage(0, 0, 9, 6)));
    }

    @Test
    void aFileOfAnotherLengthIsNotReadAndNoTemporaryFileIsLeft() throws IOException {
        FeatureStore store = new FeatureStore(folder);
        String key = FeatureStore.key("net a", image(2));
        store.write(key, new float[] {1, 2, 3});
        assertEquals(Optional.empty(), store.read(key, 4));
        try (Stream<Path> files = Files.walk(folder)) {
            assertTrue(files.filter(Files::isRegularFile).allMatch(p -> p.toString().endsWith(".f32")));
        }
    }
}
