package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The weight-push bench's sizes option and its per-size results; the push itself runs in the bench only. */
class WeightPushBenchTest {

    @Test
    void sizesAreDecimalOrBinaryAsWritten() {
        assertEquals(List.of(new WeightPushBench.SnapshotSize("1.27MB", 1_270_000),
                new WeightPushBench.SnapshotSize("64MB", 64_000_000),
                new WeightPushBench.SnapshotSize("160MB", 160_000_000),
                new WeightPushBench.SnapshotSize("1GB", 1_000_000_000),
                new WeightPushBench.SnapshotSize("2MiB", 2 * 1024 * 1024)),
                WeightPushBench.parseSizes("1.27MB, 64MB,160MB,1GB,2MiB"));
    }

    @Test
    void aMalformedOrOutOfRangeSizeIsRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightPushBench.parseSizes("64MB,lots"))
                .getMessage().contains("'lots'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightPushBench.parseSizes("3GB"))
                .getMessage().contains("3GB"));
    }

    @Test
    void theFractionOfRawIsThePushsBytesPerSecondOverTheCopysPerSize() {
        var size = new WeightPushBench.SnapshotSize("64MB", 64_000_000);
        var heap = new WeightPushBench.HeapPeaks(1L << 28, 1L << 27, 1L << 26);
        var measured = new WeightPushBench.Measurement(size, 64_000_100, 245, 300, 400, 350, 100, 20, 100, 500, 600,
                50, heap, heap);
        assertEquals(0.25, measured.fractionOfRaw(), 1e-12);
        assertEquals(160.00025, measured.pushMegabytesPerSecond(), 1e-9);
        assertEquals(Map.of("64MB", 0.25), WeightPushBench.fractionsOfRaw(List.of(measured)));
    }

    @Test
    void aSyntheticLayoutHoldsTheNominalBytesInBlocksOfAtMost16MiB() {
        SyntheticSnapshot layout = new SyntheticSnapshot(40_000_000);
        assertEquals(4, layout.tensorCount(), "two blocks of 4096 x 1024, one of 1573 rows, the 640 floats left");
        assertEquals(10_000_000, layout.floatCount());
    }
}
