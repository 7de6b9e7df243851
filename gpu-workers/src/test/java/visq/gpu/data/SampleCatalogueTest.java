package visq.gpu.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImagePreprocessor;
import visq.gpu.image.ImageTensor;

class SampleCatalogueTest {

    private static List<IqaSample> clive;

    @TempDir
    Path temp;

    @BeforeAll
    static void readClive() throws Exception {
        clive = TestDatasets.clive().subList(0, 5);
    }

    private static SampleCatalogue catalogue(List<IqaSample> samples, int capacity) {
        return new SampleCatalogue(samples, new ImagePreprocessor(ImagePreprocessor.Settings.defaults()),
                ImageLimits.defaults(), capacity);
    }

    @Test
    void loadsOnceAndServesFromTheCache() {
        SampleCatalogue catalogue = catalogue(clive, 10);
        String id = clive.get(0).id();
        ImageTensor tensor = catalogue.tensor(id);
        assertEquals(32, tensor.height());
        assertEquals(64, tensor.width());
        assertSame(tensor, catalogue.tensor(id));
        assertEquals(1, catalogue.loadCount());
        assertEquals(clive.get(0), catalogue.sample(id).orElseThrow());
        assertEquals(clive, catalogue.samples());
    }

    @Test
    void evictsTheLeastRecentlyUsed() {
        SampleCatalogue catalogue = catalogue(clive, 2);
        catalogue.tensor(clive.get(0).id());
        catalogue.tensor(clive.get(1).id());
        catalogue.tensor(clive.get(0).id()); // 0 is now the most recent
        catalogue.tensor(clive.get(2).id()); // evicts 1
        assertEquals(2, catalogue.cachedCount());
        assertEquals(3, catalogue.loadCount());
        catalogue.tensor(clive.get(0).id());
        assertEquals(3, catalogue.loadCount());
        catalogue.tensor(clive.get(1).id());
        assertEquals(4, catalogue.loadCount());
    }

    @Test
    void concurrentRequestsForOneIdLoadItOnce() throws Exception {
        SampleCatalogue catalogue = catalogue(clive, 10);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ImageTensor>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String id = clive.get(i % 2).id();
                results.add(pool.submit(() -> {
                    start.await();
                    return catalogue.tensor(id);
                }));
            }
            start.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertSame(results.get(i % 2).get(), results.get(i).get());
            }
            assertEquals(2, catalogue.loadCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void namesUnknownIdsAndUnreadableImages() throws Exception {
        Path broken = temp.resolve("broken.png");
        Files.write(broken, new byte[] {1, 2, 3});
        IqaSample sample = new IqaSample("toy/broken.png", "toy", broken, 1, 1, Optional.empty());
        SampleCatalogue catalogue = catalogue(List.of(sample), 1);
        NoSuchElementException unknown = assertThrows(NoSuchElementException.class, () -> catalogue.tensor("nope"));
        assertTrue(unknown.getMessage().contains("nope"));
        SampleUnreadableException unreadable =
                assertThrows(SampleUnreadableException.class, () -> catalogue.tensor("toy/broken.png"));
        assertTrue(unreadable.getMessage().contains("toy/broken.png"), unreadable.getMessage());
        assertEquals(0, catalogue.cachedCount());
    }

    @Test
    void refusesDuplicateIds() {
        assertThrows(IllegalArgumentException.class, () -> catalogue(List.of(clive.get(0), clive.get(0)), 1));
    }
}
