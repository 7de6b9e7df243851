package visq.gpu.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws tokens from float logits in Java: temperature, then top-k, then top-p (nucleus), or greedy argmax.
 *
 * <p>Deterministic: one {@link SplittableRandom} seeded at construction, one {@code nextDouble()} per stochastic
 * draw (greedy draws consume none). Ties are broken towards the lower id. The reported log-probability is always
 * that of the temperature-scaled distribution before truncation, which is what the model's
 * {@code responseLogProbs} recomputes. A sampler keeps its working arrays between draws: one serves one thread.
 */
public final class TokenSampler {

    private final SamplingSettings settings;
    private final SplittableRandom random;
    private final TopKSelection topK = new TopKSelection();
    /** The last row's log-probabilities, reused by the next draw (a sampler serves one thread). */
    private double[] logProbs = new double[0];

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
        return sample(logits, offset, vocabulary, null);
    }

    /**
     * Draws from one row as {@link #sample(float[], int, int)} does, among the tokens {@code constraint} allows
     * (null: unconstrained). Greedy takes the most likely allowed token. Sampling truncates the row as usual (top-k,
     * then top-p over the whole row), keeps the allowed candidates and draws among them in proportion to their
     * probabilities; when truncation kept no allowed token it takes the most likely allowed one. A row whose
     * constraint allows no token at all draws unconstrained. The reported log-probability is the model's own, as
     * always: a constrained draw does not follow it.
     */
    public SampledToken sample(float[] logits, int offset, int vocabulary, TokenConstraint constraint) {
        if (logProbs.length != vocabulary) {
            logProbs = new double[vocabulary];
        }
        logSoftmax(logits, offset, vocabulary, settings.temperature(), logProbs);
        int token;
        if (settings.greedy()) {
            int best = argmax(logits, offset, vocabulary);
            token = constraint == null || constraint.allows(best) ? best
                    : mostLikelyAllowed(logits, offset, vocabulary, constraint, best);
        } else {
            token = constraint == null ? draw(logits, offset, logProbs)
                    : drawAllowed(logits, offset, logProbs, constraint);
        }
        return new SampledToken(token, (float) logProbs[token]);
    }

    /** The most likely token {@code constraint} allows, or {@code fallback} when it allows none. */
    private int mostLikelyAllowed(float[] logits, int offset, int vocabulary, TokenConstraint constraint,
            int fallback) {
        int[] order = topK.descendingOrder(logits, offset, vocabulary, vocabulary);
        for (int candidate : order) {
            if (constraint.allows(candidate)) {
                return candidate;
            }
        }
        return fallback;
    }

    private int drawAllowed(float[] logits, int offset, double[] logProbs, TokenConstraint constraint) {
        int vocabulary = logProbs.length;
        int[] candidates = truncatedOrder(logits, offset, logProbs);
        int kept = 0;
        for (int candidate : candidates) {
            if (constraint.allows(candidate)) {
                candidates[kept++] = candidate;
            }
        }
        if (kept == 0) {
            return mostLikelyAllowed(logits, offset, vocabulary, constraint, argmax(logits, offset, vocabulary));
        }
        return drawFrom(logProbs, candidates, kept);
    }

    /** {@code log_softmax(logits / temperature)} over one row, in double precision. */
    public static double[] logSoftmax(float[] logits, int offset, int vocabulary, double temperature) {
        double[] out = new double[vocabulary];
        logSoftmax(logits, offset, vocabulary, temperature, out);
        return out;
    }

    /** {@link #logSoftmax(float[], int, int, double)} written into {@code scaled}. */
    private static void logSoftmax(float[] logits, int offset, int vocabulary, double temperature, double[] scaled) {
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
        int[] candidates = truncatedOrder(logits, offset, logProbs);
        return drawFrom(logProbs, candidates, candidates.length);
    }

    /** The tokens top-k and top-p keep, the most likely first (every token, in id order, when neither truncates). */
    private int[] truncatedOrder(float[] logits, int offset, double[] logProbs) {
        int vocabulary = logProbs.length;
        boolean truncate = (settings.topK() > 0 && settings.topK() < vocabulary) || settings.topP() < 1.0;
        if (!truncate) {
            return identity(vocabulary);
        }
        int kept = settings.topK() > 0 ? Math.min(settings.topK(), vocabulary) : vocabulary;
        int[] order = topK.descendingOrder(logits, offset, vocabulary, kept);
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
        return kept == order.length ? order : Arrays.copyOf(order, kept);
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

}
