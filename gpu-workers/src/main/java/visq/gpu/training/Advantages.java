package visq.gpu.training;

/**
 * Group-relative advantages (method.md §3): A_i = (r_i − mean(group)) / (std + 1e-4), std unbiased. A group whose
 * rewards are all equal gets advantages of exactly 0.
 */
public final class Advantages {

    /** The constant added to the std. */
    public static final double STD_EPSILON = 1e-4;

    private Advantages() {}

    /** The advantages of one group with {@link AdvantageScaling#GROUP_STD}. */
    public static double[] ofGroup(double[] rewards) {
        return compute(new double[][] {rewards}, AdvantageScaling.GROUP_STD)[0];
    }

    /**
     * The advantages of every group of a batch.
     *
     * @param groupRewards [groups][responses of that group]; every group needs at least 2 responses when the std is
     *     used, since the unbiased std of one value is undefined
     */
    public static double[][] compute(double[][] groupRewards, AdvantageScaling scaling) {
        double batchStd = scaling == AdvantageScaling.BATCH_STD ? unbiasedStd(flatten(groupRewards)) : Double.NaN;
        double[][] advantages = new double[groupRewards.length][];
        for (int g = 0; g < groupRewards.length; g++) {
            double[] rewards = groupRewards[g];
            if (rewards.length == 0) {
                throw new IllegalArgumentException("group " + g + " is empty");
            }
            if (scaling == AdvantageScaling.GROUP_STD && rewards.length < 2) {
                throw new IllegalArgumentException("the unbiased std needs at least 2 rewards, group " + g + " has 1");
            }
            advantages[g] = new double[rewards.length];
            if (DynamicSampling.allEqual(rewards)) {
                continue; // exactly 0, not the rounding error of (r − mean(r))
            }
            double mean = mean(rewards);
            double scale;
            switch (scaling) {
                case GROUP_STD:
                    scale = unbiasedStd(rewards) + STD_EPSILON;
                    break;
                case BATCH_STD:
                    scale = batchStd + STD_EPSILON;
                    break;
                default:
                    scale = 1.0;
            }
            for (int i = 0; i < rewards.length; i++) {
                advantages[g][i] = (rewards[i] - mean) / scale;
            }
        }
        return advantages;
    }

    /** The arithmetic mean. */
    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The std with n − 1 in the denominator; needs at least 2 values. */
    public static double unbiasedStd(double[] values) {
        if (values.length < 2) {
            throw new IllegalArgumentException("the unbiased std needs at least 2 rewards, got " + values.length);
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
    }

    private static double[] flatten(double[][] groups) {
        return java.util.Arrays.stream(groups).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
