package visq.gpu.image.raster;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Compact {@link BufferedImage#TYPE_INT_RGB} images: the one pixel layout Visq's image operations read and
 * write, as {@code 0xRRGGBB} ints in row-major order with no padding.
 */
public final class IntRgbImages {

    private IntRgbImages() {}

    /** A new black compact RGB image. */
    public static BufferedImage create(int width, int height) {
        return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    }

    /**
     * {@code image} itself when it is already compact RGB, otherwise a compact RGB copy. Grey images keep their
     * stored values (Java's own conversion would treat them as linear light and brighten them); alpha is dropped.
     */
    public static BufferedImage toIntRgb(BufferedImage image) {
        return isCompactIntRgb(image) ? image : convert(image);
    }

    /** Always a new compact RGB image with the pixels of {@code image}. */
    public static BufferedImage copyOf(BufferedImage image) {
        if (isCompactIntRgb(image)) {
            BufferedImage copy = create(image.getWidth(), image.getHeight());
            System.arraycopy(pixels(image), 0, pixels(copy), 0, image.getWidth() * image.getHeight());
            return copy;
        }
        return convert(image);
    }

    /**
     * The live pixel array of a compact RGB image ({@code 0xRRGGBB}, row-major); writes change the image.
     *
     * @throws IllegalArgumentException if {@code image} is not compact RGB (see {@link #toIntRgb})
     */
    public static int[] pixels(BufferedImage image) {
        if (!isCompactIntRgb(image)) {
            throw new IllegalArgumentException("expected a compact TYPE_INT_RGB image, got type " + image.getType());
        }
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    /** Whether {@code image} is TYPE_INT_RGB backed by exactly {@code width * height} ints without offsets. */
    public static boolean isCompactIntRgb(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            return false;
        }
        Raster raster = image.getRaster();
        return raster.getDataBuffer() instanceof DataBufferInt
                && raster.getDataBuffer().getNumBanks() == 1
                && raster.getDataBuffer().getOffset() == 0
                && raster.getDataBuffer().getSize() == image.getWidth() * image.getHeight()
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel
                && ((SinglePixelPackedSampleModel) raster.getSampleModel()).getScanlineStride() == image.getWidth();
    }

    private static BufferedImage convert(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        BufferedImage out = create(width, height);
        int[] target = pixels(out);
        ColorModel colorModel = image.getColorModel();
        if (colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY && colorModel.getNumColorComponents() == 1) {
            copyGrey(image, target);
        } else if (isCompactThreeByteBgr(image)) {
            copyThreeByteBgr(image, target);
        } else {
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, target, y * width, width);
            }
            for (int i = 0; i < target.length; i++) {
                target[i] &= 0xFFFFFF;
            }
        }
        return out;
    }

    private static void copyGrey(BufferedImage image, int[] target) {
        int width = image.getWidth();
        Raster raster = image.getRaster();
        int maxValue = (1 << image.getColorModel().getComponentSize(0)) - 1;
        int[] row = new int[width];
        for (int y = 0; y < image.getHeight(); y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int grey = maxValue == 255 ? row[x] : (int) ((row[x] * 255L + maxValue / 2) / maxValue);
                target[y * width + x] = (grey << 16) | (grey << 8) | grey;
            }
        }
    }

    private static boolean isCompactThreeByteBgr(BufferedImage image) {
        Raster raster = image.getRaster();
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getDataBuffer() instanceof DataBufferByte
                && raster.getDataBuffer().getOffset() == 0
                && raster.getDataBuffer().getSize() == 3 * image.getWidth() * image.getHeight()
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0;
    }

    private static void copyThreeByteBgr(BufferedImage image, int[] target) {
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0, j = 0; i < target.length; i++, j += 3) {
            target[i] = ((bgr[j + 2] & 0xFF) << 16) | ((bgr[j + 1] & 0xFF) << 8) | (bgr[j] & 0xFF);
        }
    }
}
