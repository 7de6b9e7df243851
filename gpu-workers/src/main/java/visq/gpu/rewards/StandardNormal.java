package visq.gpu.rewards;

/**
 * The error function, its complement and the standard normal CDF Φ, to about 1e-15 relative error.
 *
 * <p>For |x| &lt; 1, erf uses the everywhere-positive series erf(x) = 2/√π · e^(−x²) · Σ x·(2x²)^n / (1·3·…·(2n+1)),
 * which has no cancellation. For x ≥ 1, erfc uses the continued fraction
 * erfc(x) = 2x·e^(−x²)/√π / (2x²+1 − 1·2/(2x²+5 − 3·4/(2x²+9 − …))) evaluated backwards from a fixed depth
 * (200 levels converge to the last bit for x ≥ 1). e^(−x²) is evaluated as e^(−h²)·e^(−(x−h)(x+h)) with h = x rounded
 * down to a multiple of 1/16, so that the rounding of x² is not amplified in the tail.
 */
public final class StandardNormal {

    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final int FRACTION_DEPTH = 200;
    /** ln(Double.MAX_VALUE): beyond it e^(−x²) is subnormal. */
    private static final double LARGEST_EXPONENT = 709.782712893384;

    private StandardNormal() {}

    /** Φ(z), the probability that a standard normal variable is at most {@code z}. */
    public static double cdf(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        return 0.5 * erfc(-z / Math.sqrt(2.0));
    }

    /** The error function. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double ax = Math.abs(x);
        double magnitude = ax < 1.0 ? positiveSeries(ax) : 1.0 - complementFraction(ax);
        return Math.copySign(magnitude, x);
    }

    /** The complementary error function 1 − erf(x), accurate in relative terms in the upper tail. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < 1.0) {
            return x > -1.0 ? 1.0 - Math.copySign(positiveSeries(Math.abs(x)), x) : 2.0 - complementFraction(-x);
        }
        return complementFraction(x);
    }

    private static double positiveSeries(double x) {
        double twoXSquared = 2.0 * x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200 && term > sum * 1e-18; n++) {
            term *= twoXSquared / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * gaussian(x) * sum;
    }

    private static double complementFraction(double x) {
        if (x * x > LARGEST_EXPONENT) {
            return 0.0; // below 1e-308, flushed to 0 as Cephes and scipy do
        }
        double base = 2.0 * x * x + 1.0;
        double tail = 0.0;
        for (int k = FRACTION_DEPTH; k >= 1; k--) {
            tail = (2.0 * k - 1.0) * (2.0 * k) / (base + 4.0 * k - tail);
        }
        return TWO_OVER_SQRT_PI * x * gaussian(x) / (base - tail);
    }

    /** e^(−x²) with the square split so that its rounding error is not amplified. */
    private static double gaussian(double x) {
        double head = Math.floor(x * 16.0) / 16.0;
        double rest = (x - head) * (x + head);
        return Math.exp(-head * head) * Math.exp(-rest);
    }
}
