package visq.deploy.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The peak heap of this JVM since the last {@link #reset}: the sum of every heap pool's peak (an upper bound, as the
 * pools may peak at different moments; with the serial collector a snapshot-sized array lives in the old pool).
 */
final class HeapPeak {
    private HeapPeak() {}

    /** Collects garbage, then starts a new peak; returns the heap in use after the collection. */
    static long reset() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** Bytes: the sum of the heap pools' peaks since {@link #reset}. */
    static long peak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
