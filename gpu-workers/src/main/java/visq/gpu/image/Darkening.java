package visq.gpu.image;

/** Darkens through a per-channel lookup table {@code v' = 255 · gain · (v / 255)^gamma}. */
final class Darkening {

    private Darkening() {}

    /** {@code rgb} darkened with {@code gamma} (≥ 1) and {@code gain} (≤ 1); a new array. */
    static int[] apply(int[] rgb, double gamma, double gain) {
        int[] table = new int[256];
        for (int v = 0; v < 256; v++) {
            table[v] = BoxResampler.toByte((float) (255 * gain * StrictMath.pow(v / 255.0, gamma)));
        }
        int[] out = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            int pixel = rgb[i];
            out[i] = (table[(pixel >> 16) & 0xFF] << 16) | (table[(pixel >> 8) & 0xFF] << 8) | table[pixel & 0xFF];
        }
        return out;
    }
}
