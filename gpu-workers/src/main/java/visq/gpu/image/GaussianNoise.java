package visq.gpu.image;

import java.util.SplittableRandom;

/**
 * Additive white Gaussian noise, independent per channel, drawn from a seeded {@link SplittableRandom}
 * (Box–Muller with {@link StrictMath}, so the same seed gives the same image on every platform and JDK).
 */
final class GaussianNoise {

    private GaussianNoise() {}

    /** {@code rgb} plus N(0, sigma²) per channel value (0..255 scale), rounded and clamped; a new array. */
    static int[] apply(int[] rgb, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[rgb.length];
        double spare = 0;
        boolean hasSpare = false;
        for (int i = 0; i < rgb.length; i++) {
            int pixel = rgb[i];
            int result = 0;
            for (int shift = 16; shift >= 0; shift -= 8) {
                double normal;
                if (hasSpare) {
                    normal = spare;
                    hasSpare = false;
                } else {
                    double radius = StrictMath.sqrt(-2 * StrictMath.log(1 - random.nextDouble()));
                    double angle = 2 * StrictMath.PI * random.nextDouble();
                    normal = radius * StrictMath.cos(angle);
                    spare = radius * StrictMath.sin(angle);
                    hasSpare = true;
                }
                int value = (int) Math.round(((pixel >> shift) & 0xFF) + sigma * normal);
                result |= clamp(value) << shift;
            }
            out[i] = result;
        }
        return out;
    }

    private static int clamp(int value) {
        return value < 0 ? 0 : Math.min(value, 255);
    }
}
