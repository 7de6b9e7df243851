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
        for (int i = 0; i < vocabulary; i++) {
            scaled[i] = logits[offset + i] / temperature;
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
     * their ascending order is the wanted one. Fewer than all: one pass keeps the {@code count} smallest keys in a
     * sorted buffer (a key enters only when it beats the buffer's last), the same indices in the same order as a full
     * sort's first {@code count}, without sorting the whole vocabulary every token.
     */
    static int[] descendingOrder(float[] logits, int offset, int vocabulary, int count) {
        long[] keys = new long[count < vocabulary ? count : vocabulary];
        int size = 0;
        for (int i = 0; i < vocabulary; i++) {
            int bits = Float.floatToIntBits(logits[offset + i]);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order equals float order
            long key = ((long) ~ordered << 32) | i;
            if (count >= vocabulary) {
                keys[i] = key;
            } else if (size < count || key < keys[count - 1]) {
                int at = Arrays.binarySearch(keys, 0, size, key);
                int insert = -at - 1; // keys are distinct: never found
                int moved = Math.min(size, count - 1) - insert;
                if (moved > 0) {
                    System.arraycopy(keys, insert, keys, insert + 1, moved);
                }
                keys[insert] = key;
                size = Math.min(size + 1, count);
            }
        }
        if (count >= vocabulary) {
            Arrays.sort(keys);
        }
        int[] out = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }
}
