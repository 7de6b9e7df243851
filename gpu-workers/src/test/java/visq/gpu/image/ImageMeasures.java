package visq.gpu.image;

import java.awt.image.BufferedImage;
import visq.gpu.image.raster.IntRgbImages;

/** Simple measurements used to check degradations. */
final class ImageMeasures {

    private ImageMeasures() {}

    /** Mean Rec. 601 luma on the 0..255 scale. */
    static double meanLuma(BufferedImage image) {
        int[] rgb = IntRgbImages.pixels(IntRgbImages.toIntRgb(image));
        double sum = 0;
        for (int pixel : rgb) {
            sum += luma(pixel);
        }
        return sum / rgb.length;
    }

    /** Standard deviation of the per-channel difference between two images of the same size. */
    static double residualStd(BufferedImage a, BufferedImage b) {
        int[] first = IntRgbImages.pixels(IntRgbImages.toIntRgb(a));
        int[] second = IntRgbImages.pixels(IntRgbImages.toIntRgb(b));
        double sum = 0;
        double sumSquares = 0;
        long n = 0;
        for (int i = 0; i < first.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                double d = ((first[i] >> shift) & 0xFF) - ((second[i] >> shift) & 0xFF);
                sum += d;
                sumSquares += d * d;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(sumSquares / n - mean * mean);
    }

    /** Peak signal-to-noise ratio in dB over all channels. */
    static double psnr(BufferedImage reference, BufferedImage test) {
        int[] first = IntRgbImages.pixels(IntRgbImages.toIntRgb(reference));
        int[] second = IntRgbImages.pixels(IntRgbImages.toIntRgb(test));
        double squares = 0;
        for (int i = 0; i < first.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                double d = ((first[i] >> shift) & 0xFF) - ((second[i] >> shift) & 0xFF);
                squares += d * d;
            }
        }
        double mse = squares / (3.0 * first.length);
        return 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /**
     * Mean squared 4-neighbour Laplacian of luma with neighbours {@code step} pixels away: the energy of detail
     * at that scale (a step above 1 keeps 8-bit rounding from dominating once an image is very blurred).
     */
    static double highFrequencyEnergy(BufferedImage image, int step) {
        BufferedImage rgbImage = IntRgbImages.toIntRgb(image);
        int width = rgbImage.getWidth();
        int height = rgbImage.getHeight();
        int[] rgb = IntRgbImages.pixels(rgbImage);
        double sum = 0;
        for (int y = step; y < height - step; y++) {
            for (int x = step; x < width - step; x++) {
                int at = y * width + x;
                double laplacian = 4 * luma(rgb[at]) - luma(rgb[at - step]) - luma(rgb[at + step])
                        - luma(rgb[at - step * width]) - luma(rgb[at + step * width]);
                sum += laplacian * laplacian;
            }
        }
        return sum / ((double) (width - 2 * step) * (height - 2 * step));
    }

    static double luma(int pixel) {
        return 0.299 * ((pixel >> 16) & 0xFF) + 0.587 * ((pixel >> 8) & 0xFF) + 0.114 * (pixel & 0xFF);
    }
}
