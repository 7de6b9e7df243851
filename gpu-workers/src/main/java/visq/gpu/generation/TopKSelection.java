package visq.gpu.generation;

import java.util.Arrays;

/**
 * The indices of the largest logits of a row, in order, for top-k sampling: the same indices in the same order as the
 * first k of a full sort (descending logit, lower index first on ties), without sorting the whole vocabulary every
 * token. It keeps its working arrays between calls, so one instance serves one thread.
 */
final class TopKSelection {

    /** Top bits of a key that make its histogram bucket (sign, exponent and 3 mantissa bits of the logit). */
    private static final int BUCKET_BITS = 12;

    private long[] keys = new long[0];
    private long[] candidates = new long[0];
    /** All zero between calls. */
    private final int[] histogram = new int[1 << BUCKET_BITS];

    /**
     * The first {@code count} indices of {@code logits[offset, offset + vocabulary)} by decreasing logit, lower index
     * first on ties ({@code min(count, vocabulary)} of them). Each key packs the logit's order-preserving bits
     * (inverted, for an ascending order of keys) above the index, so keys are distinct and their ascending order is
     * the wanted one. Fewer than all: a histogram of the keys' top {@value #BUCKET_BITS} bits (a key's bucket never
     * decreases with the key) finds the first bucket by which {@code count} keys are reached, and only the keys up to
     * that bucket are sorted, a few more than {@code count} for spread-out logits.
     */
    int[] descendingOrder(float[] logits, int offset, int vocabulary, int count) {
        if (keys.length < vocabulary) {
            keys = new long[vocabulary];
            candidates = new long[vocabulary];
        }
        if (count >= vocabulary) {
            for (int i = 0; i < vocabulary; i++) {
                keys[i] = key(logits[offset + i], i);
            }
            Arrays.sort(keys, 0, vocabulary);
            return indices(keys, vocabulary);
        }
        int first = histogram.length;
        for (int i = 0; i < vocabulary; i++) {
            long key = key(logits[offset + i], i);
            keys[i] = key;
            int bucket = bucket(key);
            histogram[bucket]++;
            first = Math.min(first, bucket);
        }
        int last = first;
        int upToLast = histogram[first];
        while (upToLast < count) {
            last++;
            upToLast += histogram[last];
        }
        int size = 0;
        for (int i = 0; i < vocabulary; i++) {
            long key = keys[i];
            int bucket = bucket(key);
            histogram[bucket] = 0;
            if (bucket <= last) {
                candidates[size++] = key;
            }
        }
        Arrays.sort(candidates, 0, size);
        return indices(candidates, count);
    }

    /**
     * A key whose ascending order is descending logit, then ascending index: the logit's bits made order-preserving
     * as a signed int (negative floats flipped), inverted, above the index.
     */
    private static long key(float logit, int index) {
        int bits = Float.floatToIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order equals float order
        return ((long) ~ordered << 32) | index;
    }

    /** The key's top {@link #BUCKET_BITS} bits as an unsigned bucket number, in the keys' order. */
    private static int bucket(long key) {
        return (int) (key >> (Long.SIZE - BUCKET_BITS)) + (1 << (BUCKET_BITS - 1));
    }

    private static int[] indices(long[] sortedKeys, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) sortedKeys[i];
        }
        return out;
    }
}
