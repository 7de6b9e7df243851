package visq.gpu.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws tokens from float logits in Java: temperature, then top-k, then top-p (nucleus), or greedy argmax.
 *
 * <p>Deterministic: one {@link SplittableRandom} seeded at construction, one {@code nextDouble()} per stochastic
 * draw (greedy draws consume none). Ties are broken towards the lower id. The reported log-probability is always
 * that of the temperature-scaled distribution before truncation, which is what the model's
 * {@code responseLogProbs} recomputes.
 */
public final class TokenSampler {

    /** Top bits of a top-k key that make its histogram bucket (3 mantissa bits of the logit). */
    private static final int BUCKET_BITS = 12;

    private final SamplingSettings settings;
    private final SplittableRandom random;

    public TokenSampler(SamplingSettings settings, long seed) {
        this.settings = settings;
        this.random = new SplittableRandom(seed);
    }

    /** Draws from the whole array of logits. */
    public SampledToken sample(float[] logits) {
        return sample(logits, 0, logits.length);
    }

    /** Draws from {@code logits[offset, offset + vocabulary)} (one row of a flat {@code [rows, vocabulary]} array). */
    public SampledToken sample(float[] logits, int offset, int vocabulary) {
        double[] logProbs = logSoftmax(logits, offset, vocabulary, settings.temperature());
        int token = settings.greedy() ? argmax(logits, offset, vocabulary) : draw(logits, offset, logProbs);
        return new SampledToken(token, (float) logProbs[token]);
    }

    /** {@code log_softmax(logits / temperature)} over one row, in double precision. */
    public static double[] logSoftmax(float[] logits, int offset, int vocabulary, double temperature) {
        double[] scaled = new double[vocabulary];
        double max = Double.NEGATIVE_INFINITY;
        boolean unscaled = temperature == 1.0; // x / 1.0 is x: skip a division per logit
        for (int i = 0; i < vocabulary; i++) {
            scaled[i] = unscaled ? logits[offset + i] : logits[offset + i] / temperature;
            max = Math.max(max, scaled[i]);
        }
        double sum = 0;
        for (int i = 0; i < vocabulary; i++) {
            sum += Math.exp(scaled[i] - max);
        }
        double logNorm = max + Math.log(sum);
        for (int i = 0; i < vocabulary; i++) {
            scaled[i] -= logNorm;
        }
        return scaled;
    }

    /** The index of the largest logit, the lowest on ties. */
    public static int argmax(float[] logits, int offset, int vocabulary) {
        int best = 0;
        for (int i = 1; i < vocabulary; i++) {
            if (logits[offset + i] > logits[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits, int offset, double[] logProbs) {
        int vocabulary = logProbs.length;
        boolean truncate = (settings.topK() > 0 && settings.topK() < vocabulary) || settings.topP() < 1.0;
        if (!truncate) {
            return drawFrom(logProbs, identity(vocabulary), vocabulary);
        }
        int kept = settings.topK() > 0 ? Math.min(settings.topK(), vocabulary) : vocabulary;
        int[] order = descendingOrder(logits, offset, vocabulary, kept);
        if (settings.topP() < 1.0) {
            double mass = 0;
            for (int i = 0; i < kept; i++) {
                mass += Math.exp(logProbs[order[i]]);
            }
            double cumulative = 0;
            int nucleus = 0;
            while (nucleus < kept) {
                cumulative += Math.exp(logProbs[order[nucleus]]) / mass;
                nucleus++;
                if (cumulative >= settings.topP()) {
                    break;
                }
            }
            kept = nucleus;
        }
        return drawFrom(logProbs, order, kept);
    }

    private int drawFrom(double[] logProbs, int[] candidates, int count) {
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += Math.exp(logProbs[candidates[i]]);
        }
        double target = random.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += Math.exp(logProbs[candidates[i]]);
            if (target < cumulative) {
                return candidates[i];
            }
        }
        return candidates[count - 1];
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /**
     * The first {@code count} indices by decreasing logit, lower index first on ties. Dividing by a positive
     * temperature keeps the order, so the float logits are ordered directly: each key packs the logit's
     * order-preserving bits (inverted, for an ascending order of keys) above the index, so keys are distinct and
     * their ascending order is the wanted one. Fewer than all: a histogram of the keys' top {@value #BUCKET_BITS} bits
     * (a key's bucket never decreases with the key) finds the first bucket by which {@code count} keys are reached;
     * only the keys up to that bucket are sorted, a few more than {@code count} for spread-out logits. The same indices
     * in the same order as a full sort's first {@code count}, without sorting the whole vocabulary every token.
     */
    static int[] descendingOrder(float[] logits, int offset, int vocabulary, int count) {
        long[] keys = new long[vocabulary];
        if (count >= vocabulary) {
            for (int i = 0; i < vocabulary; i++) {
                keys[i] = key(logits[offset + i], i);
            }
            Arrays.sort(keys);
            return indices(keys, vocabulary);
        }
        int[] histogram = new int[1 << BUCKET_BITS];
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
        long[] candidates = new long[upToLast];
        int size = 0;
        for (long key : keys) {
            if (bucket(key) <= last) {
                candidates[size++] = key;
            }
        }
        Arrays.sort(candidates);
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
