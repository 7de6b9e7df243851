package visq.gpu.rewards;

import java.util.List;
import java.util.Random;

/**
 * VisualQuality-R1's reinforcement-learning-to-rank reward (method.md §2) over a batch of B images × K responses,
 * all from one dataset.
 *
 * <p>With q_ik the score of response k of image i, μ_i the mean and σ²_i the unbiased variance (K−1) of image i's
 * scores, p_k(i,j) = Φ((q_ik − μ_j) / sqrt(σ²_i + σ²_j + γ)), p(i,j) = 1, 0.5 or 0 as MOS_i is above, equal to or
 * below MOS_j, the reward is r_k(i) = 1/(B−1) Σ_{j≠i} [sqrt(p·p_k + γ) + sqrt((1−p)(1−p_k) + γ)], γ =
 * {@link FidelitySettings#gamma()} (1e-6 in method.md).
 *
 * <p><b>Unparsable scores</b> (NaN in the input). With {@link UnparsableScoreHandling#FIXED_PENALTY} (default) such
 * a response gets reward exactly 0 and takes no part in the statistics: μ_i and σ²_i are over image i's parsed
 * scores (σ²_i = 0 when fewer than two are parsed), images without any parsed score are no comparison partner, and
 * the 1/(B−1) becomes 1/(number of partners); a response whose image has no partner gets 0. The penalty cannot help
 * the response: every term of a parsed response's sum is at least 2·sqrt(γ) &gt; 0 (each square root is at least
 * sqrt(γ)), so any parsed response earns more than 0 (for {@link FidelityVariant#PROBABILITY_AVERAGE}, whose terms
 * are probabilities, at least 0), and the unparsable response has the lowest reward, hence the lowest advantage, of
 * its group. With {@link UnparsableScoreHandling#RANDOM_SCORE} (the released code) each NaN is replaced, in
 * row-major order, by a uniform draw in [low, high) from a {@link Random} seeded once at construction, and the
 * reward is computed as if that score had been parsed. Instances with that option are therefore stateful: the same
 * seed and the same sequence of calls give the same rewards.
 */
public final class FidelityReward {

    /** γ of method.md §2, the default of {@link FidelitySettings#gamma()}. */
    public static final double GAMMA = 1e-6;

    private final FidelitySettings settings;
    private final Random random;

    public FidelityReward(FidelitySettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    public FidelitySettings settings() {
        return settings;
    }

    /**
     * The reward of every response.
     *
     * @param scores [B][K] parsed scores, NaN where unparsable
     * @param mos [B] the images' MOS (any scale; only their order is used)
     * @param datasetIds [B] the dataset of each image; all must be equal
     * @return [B][K] rewards
     * @throws IllegalArgumentException on mixed datasets, B &lt; 2, K &lt; 2, ragged rows or non-finite MOS
     */
    public double[][] rewards(double[][] scores, double[] mos, List<String> datasetIds) {
        int images = scores.length;
        validate(scores, mos, datasetIds);
        int responses = scores[0].length;
        double[][] q = resolveUnparsable(scores);

        double[] mean = new double[images];
        double[] variance = new double[images];
        int[] parsed = new int[images];
        for (int i = 0; i < images; i++) {
            double sum = 0;
            for (double v : q[i]) {
                if (!Double.isNaN(v)) {
                    sum += v;
                    parsed[i]++;
                }
            }
            mean[i] = parsed[i] > 0 ? sum / parsed[i] : Double.NaN;
            double squares = 0;
            for (double v : q[i]) {
                if (!Double.isNaN(v)) {
                    squares += (v - mean[i]) * (v - mean[i]);
                }
            }
            variance[i] = settings.variant() == FidelityVariant.FIXED_VARIANCE_ONE
                    ? 1.0
                    : parsed[i] >= 2 ? squares / (parsed[i] - 1) : 0.0;
        }

        double[][] rewards = new double[images][responses];
        for (int i = 0; i < images; i++) {
            for (int k = 0; k < responses; k++) {
                if (Double.isNaN(q[i][k])) {
                    continue;
                }
                double sum = 0;
                int partners = 0;
                for (int j = 0; j < images; j++) {
                    if (j == i || parsed[j] == 0) {
                        continue;
                    }
                    partners++;
                    double predicted = predictedProbability(q[i][k], mean[j], variance[i], variance[j]);
                    sum += pairTerm(humanPreference(mos[i], mos[j]), predicted);
                }
                rewards[i][k] = partners == 0 ? 0.0 : sum / partners;
            }
        }
        return rewards;
    }

    /** p(i,j): 1 if MOS_i &gt; MOS_j, 0.5 if equal, 0 otherwise. */
    static double humanPreference(double mosI, double mosJ) {
        return mosI > mosJ ? 1.0 : mosI == mosJ ? 0.5 : 0.0;
    }

    private double predictedProbability(double score, double partnerMean, double varianceI, double varianceJ) {
        if (settings.variant() == FidelityVariant.BINARY) {
            return score > partnerMean ? 1.0 : score == partnerMean ? 0.5 : 0.0;
        }
        return StandardNormal.cdf((score - partnerMean) / Math.sqrt(varianceI + varianceJ + settings.gamma()));
    }

    private double pairTerm(double human, double predicted) {
        if (settings.variant() == FidelityVariant.PROBABILITY_AVERAGE) {
            return human * predicted + (1 - human) * (1 - predicted);
        }
        double gamma = settings.gamma();
        return Math.sqrt(human * predicted + gamma) + Math.sqrt((1 - human) * (1 - predicted) + gamma);
    }

    private double[][] resolveUnparsable(double[][] scores) {
        double[][] q = new double[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            q[i] = scores[i].clone();
            if (settings.unparsable() != UnparsableScoreHandling.RANDOM_SCORE) {
                continue;
            }
            for (int k = 0; k < q[i].length; k++) {
                if (Double.isNaN(q[i][k])) {
                    q[i][k] = settings.randomLow() + (settings.randomHigh() - settings.randomLow()) * random.nextDouble();
                }
            }
        }
        return q;
    }

    private static void validate(double[][] scores, double[] mos, List<String> datasetIds) {
        int images = scores.length;
        if (images < 2) {
            throw new IllegalArgumentException("the fidelity reward needs at least 2 images, got " + images);
        }
        if (mos.length != images || datasetIds.size() != images) {
            throw new IllegalArgumentException("scores, MOS and dataset ids must have one entry per image: "
                    + images + ", " + mos.length + ", " + datasetIds.size());
        }
        int responses = scores[0].length;
        if (responses < 2) {
            throw new IllegalArgumentException("the unbiased variance needs at least 2 responses per image");
        }
        for (int i = 0; i < images; i++) {
            if (scores[i].length != responses) {
                throw new IllegalArgumentException("image " + i + " has " + scores[i].length
                        + " responses, image 0 has " + responses);
            }
            if (!Double.isFinite(mos[i])) {
                throw new IllegalArgumentException("MOS of image " + i + " is not finite: " + mos[i]);
            }
            if (!datasetIds.get(i).equals(datasetIds.get(0))) {
                throw new IllegalArgumentException("a fidelity batch never mixes datasets: image 0 is from "
                        + datasetIds.get(0) + ", image " + i + " from " + datasetIds.get(i));
            }
        }
    }
}
