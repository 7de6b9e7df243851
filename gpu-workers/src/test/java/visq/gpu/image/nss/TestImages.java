package visq.gpu.image.nss;

import java.awt.image.BufferedImage;
import java.util.Random;
import java.util.function.IntBinaryOperator;
import visq.gpu.image.raster.IntRgbImages;

/** Small synthetic images for the closed-form tests. */
public final class TestImages {

    private TestImages() {}

    /** An image whose pixel at (x, y) is {@code rgb.applyAsInt(x, y)} as 0xRRGGBB. */
    public static BufferedImage of(int width, int height, IntBinaryOperator rgb) {
        BufferedImage image = IntRgbImages.create(width, height);
        int[] pixels = IntRgbImages.pixels(image);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                pixels[y * width + x] = rgb.applyAsInt(x, y) & 0xffffff;
            }
        }
        return image;
    }

    /** A grey image of one level. */
    public static BufferedImage grey(int width, int height, int level) {
        return of(width, height, (x, y) -> level * 0x010101);
    }

    /** Seeded random grey texture with levels in {@code [low, high]}. */
    public static BufferedImage noise(int width, int height, int low, int high, long seed) {
        Random random = new Random(seed);
        return of(width, height, (x, y) -> (low + random.nextInt(high - low + 1)) * 0x010101);
    }

    /** {@code image} with every channel raised by {@code offset} (no clipping needed for the inputs used). */
    public static BufferedImage offset(BufferedImage image, int offset) {
        return of(image.getWidth(), image.getHeight(), (x, y) -> {
            int p = image.getRGB(x, y);
            int r = ((p >> 16) & 0xff) + offset;
            int g = ((p >> 8) & 0xff) + offset;
            int b = (p & 0xff) + offset;
            return (r << 16) | (g << 8) | b;
        });
    }
}
