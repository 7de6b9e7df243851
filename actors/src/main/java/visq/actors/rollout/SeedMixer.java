package visq.actors.rollout;

/** Derives independent, reproducible seeds from a base seed and an index (SplitMix64 finaliser). */
public final class SeedMixer {
    private SeedMixer() {}

    public static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
