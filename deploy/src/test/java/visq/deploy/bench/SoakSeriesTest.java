package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoakSeriesTest {

    @Test
    void aLinearLeakDriftsByItsRiseOverTheWindowMean() {
        SoakSeries series = new SoakSeries("heap");
        for (int minute = 1; minute <= 60; minute++) {
            series.add(minute, 100 + 2.0 * minute);
        }
        // closed form: window minutes 10..60, slope 2 MB/min, span 50 min, mean 100 + 2·35 = 170 → 100/170
        assertEquals(100.0 / 170.0, series.drift(10), 1e-12);
        assertArrayEquals(new double[] {120, 220}, series.range(10), 0);
        assertEquals(51, series.size(10)); // minutes 10..60
    }

    @Test
    void noiseAroundAFlatLevelGivesNoDriftAndTheWarmUpIsLeftOut() {
        SoakSeries series = new SoakSeries("arrays");
        series.add(1, 10);   // warm-up: growing while the first checkpoints and caches fill
        series.add(5, 50);
        double[] flat = {200, 204, 196, 204, 196, 200};
        for (int i = 0; i < flat.length; i++) {
            series.add(10 + 10 * i, flat[i]);
        }
        // symmetric deviations about minute 35: Σ(t − 35)(y − 200) = −25·0 − 15·4 − 5·(−4) + 5·4 + 15·(−4) + 25·0 = −80
        // Σ(t − 35)² = 1750 → slope −80/1750 per minute, × span 50 / mean 200
        assertEquals(-80.0 / 1750 * 50 / 200, series.drift(10), 1e-12);
        assertTrue(Math.abs(series.drift(10)) < 0.02);
        assertTrue(series.drift(0) > 0.5, "the warm-up alone would read as a leak");
    }

    @Test
    void tooFewSamplesOrNonFiniteValuesAreRefusedByName() {
        SoakSeries series = new SoakSeries("heap after GC (MB)");
        series.add(1, 5);
        IllegalStateException few = assertThrows(IllegalStateException.class, () -> series.drift(0));
        assertTrue(few.getMessage().contains("heap after GC (MB)") && few.getMessage().contains("at least 2"),
                few.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> series.add(2, Double.NaN));
        assertTrue(nan.getMessage().contains("finite"), nan.getMessage());
    }
}
