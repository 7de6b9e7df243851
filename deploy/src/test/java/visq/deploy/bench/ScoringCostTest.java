package visq.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The scoring ceilings from measured parts, against the closed forms worked out by hand in each comment. */
class ScoringCostTest {

    /** decode 10 ms, preparation 150 ms, one answer 31 ms, a batch of 8 answers 60 ms, 96 tokens each. */
    private static final ScoringCost PARTS = new ScoringCost(10, 150, 17, 31, 31, 60, 8, 96);

    @Test
    void ceilingsOnTwoCores() {
        // batch 1: min(1000/31, 2·1000/(160+31)) = min(32.26, 10.47) = 10.47
        assertEquals(2000.0 / 191, PARTS.batchOneCeiling(2), 1e-9);
        // micro-batches: min(8·1000/60, 2·1000/(160+60/8)) = min(133.3, 11.94) = 11.94
        assertEquals(2000.0 / 167.5, PARTS.microBatchCeiling(2), 1e-9);
        assertEquals((2000.0 / 167.5) / (2000.0 / 191), PARTS.gainCeiling(2), 1e-9);
    }

    @Test
    void coresForThreeTimesIsWhereTheWorkerThreadBoundsBatchOne() {
        // from 7 cores batch 1 is bound by the worker thread (1000/31 = 32.26 ≤ 7·1000/191 = 36.6); micro-batches
        // reach 3 × 32.26 = 96.8 when N·1000/167.5 ≥ 96.8, N ≥ 16.2: 16 cores give 2.96x, 17 give 3.15x
        assertEquals(OptionalInt.of(17), PARTS.coresForGain(3, 256));
        assertTrue(PARTS.gainCeiling(16) < 3);
        assertEquals(OptionalInt.empty(), PARTS.coresForGain(3, 16));
    }

    @Test
    void noCoreCountHelpsWhenBatchingSavesNothing() {
        // a batch of 8 costs 8 single answers: both ceilings are equal on every machine
        ScoringCost noSaving = new ScoringCost(10, 150, 17, 31, 31, 8 * 31, 8, 96);
        assertEquals(1.0, noSaving.gainCeiling(64), 1e-9);
        assertEquals(OptionalInt.empty(), noSaving.coresForGain(3, 256));
    }
}
