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
        int[] order = descendingOrder(logits, offset, vocabulary);
        int kept = settings.topK() > 0 ? Math.min(settings.topK(), vocabulary) : vocabulary;
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
     * Indices by decreasing logit, lower index first on ties. Dividing by a positive temperature keeps the order,
     * so the float logits are sorted directly: each key packs the logit's order-preserving bits (inverted, for a
     * descending sort) above the index, and one primitive sort orders them.
     */
    private static int[] descendingOrder(float[] logits, int offset, int vocabulary) {
        long[] keys = new long[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            int bits = Float.floatToIntBits(logits[offset + i]);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order equals float order
            keys[i] = ((long) ~ordered << 32) | i;
        }
        Arrays.sort(keys);
        int[] out = new int[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            out[i] = (int) keys[i];
        }
        return out;
    }
}
