package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The six views: positions checked against the source pixels they must come from. */
class ImageViewsTest {

    private static BufferedImage image(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 7) & 0xFF) << 16 | ((y * 5) & 0xFF) << 8 | ((x + y) & 0xFF));
            }
        }
        return image;
    }

    /** Channel values of source pixel (x, y) as the model sees them, value / 255. */
    private static float[] pixel(BufferedImage image, int x, int y) {
        int rgb = image.getRGB(x, y);
        return new float[] {((rgb >> 16) & 0xFF) / 255f, ((rgb >> 8) & 0xFF) / 255f, (rgb & 0xFF) / 255f};
    }

    private static float[] at(float[] view, int size, int row, int col) {
        int i = (row * size + col) * 3;
        return new float[] {view[i], view[i + 1], view[i + 2]};
    }

    @Test
    void cropsAreNativeResolutionCornersAndCentre() {
        BufferedImage image = image(500, 400);
        List<float[]> views = ImageViews.of(image, 224);
        assertEquals(ImageViews.COUNT, views.size());
        assertArrayEquals(MobileNetInput.prepare(image, 224), views.get(0));
        assertArrayEquals(pixel(image, 0, 0), at(views.get(1), 224, 0, 0));
        assertArrayEquals(pixel(image, 500 - 224 + 5, 3), at(views.get(2), 224, 3, 5));
        assertArrayEquals(pixel(image, 9, 400 - 224 + 1), at(views.get(3), 224, 1, 9));
        assertArrayEquals(pixel(image, 499, 399), at(views.get(4), 224, 223, 223));
        assertArrayEquals(pixel(image, (500 - 224) / 2 + 17, (400 - 224) / 2 + 30), at(views.get(5), 224, 30, 17));
    }

    @Test
    void aSmallImageHasSquareCropsOfItsShorterSideEnlarged() {
        BufferedImage image = image(100, 80);
        List<float[]> views = ImageViews.of(image, 224);
        // aligned corners: the corners of each 80x80 crop land on the corners of the view
        assertArrayEquals(pixel(image, 0, 0), at(views.get(1), 224, 0, 0));
        assertArrayEquals(pixel(image, 79, 79), at(views.get(1), 224, 223, 223));
        assertArrayEquals(pixel(image, 20, 0), at(views.get(2), 224, 0, 0));
        assertArrayEquals(pixel(image, 99, 79), at(views.get(4), 224, 223, 223));
        assertArrayEquals(pixel(image, 10, 0), at(views.get(5), 224, 0, 0));
        for (float[] view : views) {
            assertEquals(224 * 224 * 3, view.length);
        }
    }
}
