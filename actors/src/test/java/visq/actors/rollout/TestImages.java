package visq.actors.rollout;

import visq.gpu.image.ImageTensor;

/** Deterministic preprocessed images of the compact model's 32x64 view, for actor tests with a real model. */
public final class TestImages {
    private TestImages() {}

    /** A 32x64 image of stripes that differ with {@code seed}. */
    public static ImageTensor image(int seed) {
        byte[] pixels = new byte[3 * 32 * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * seed * 7 + i / 64);
        }
        return ImageTensor.of(32, 64, pixels);
    }
}
