package visq.deploy.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The heap of this JVM since the last {@link #reset}, two ways: the peak in use ({@link #peakUsed}: the sum of every
 * heap pool's peak, an upper bound that counts garbage not yet collected, so it grows with the young generation)
 * and the peak retained ({@link #peakRetained}: the largest heap left after any collection since, including one
 * forced at the moment of measuring: what the JVM really holds).
 */
final class HeapPeak {
    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private static final AtomicLong PEAK_AFTER_COLLECTION = new AtomicLong();
    /** The most direct memory in use seen since the last reset (sampled at each collection and when asked). */
    private static final AtomicLong PEAK_DIRECT = new AtomicLong();
    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
            .stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();

    static {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo
                            .from((CompositeData) notification.getUserData()).getGcInfo().getMemoryUsageAfterGc();
                    long heap = after.entrySet().stream().filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed()).sum();
                    PEAK_AFTER_COLLECTION.accumulateAndGet(heap, Math::max);
                    // direct buffers found unreachable are freed after a collection, by the cleaner: what is in use
                    // now is at least the peak since the previous collection, minus nothing yet
                    PEAK_DIRECT.accumulateAndGet(DIRECT.getMemoryUsed(), Math::max);
                }
            }, null, null);
        }
    }

    private HeapPeak() {}

    /** Collects garbage, then starts new peaks; returns the heap in use after the collection. */
    static long reset() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                used += pool.getUsage().getUsed();
            }
        }
        PEAK_AFTER_COLLECTION.set(used);
        PEAK_DIRECT.set(DIRECT.getMemoryUsed());
        return used;
    }

    /**
     * Bytes: the most direct memory (NIO direct buffers: Artery's frames, assembled snapshots) in use since
     * {@link #reset}, sampled at every collection and now. Direct memory grows only by allocation and shrinks only
     * after a collection, so the peak lies at a collection or now.
     */
    static long peakDirect() {
        return PEAK_DIRECT.accumulateAndGet(DIRECT.getMemoryUsed(), Math::max);
    }

    /** Bytes: the sum of the heap pools' peaks since {@link #reset} (garbage included). */
    static long peakUsed() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    /**
     * Bytes: collects garbage now (what the caller still references stays), then the largest heap left after any
     * collection since {@link #reset}.
     */
    static long peakRetained() {
        System.gc();
        long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return PEAK_AFTER_COLLECTION.accumulateAndGet(now, Math::max);
    }
}
