package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import visq.gpu.image.raster.IntRgbImages;

class ImagePreprocessorTest {

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessor.Settings.defaults());

    @Test
    void makesAViewSizeByTwiceViewSizeTensor() throws Exception {
        BufferedImage image = ImageDecoder.decode(SharedData.file("clive/images/1001.JPG"), ImageLimits.defaults());
        ImageTensor tensor = preprocessor.preprocess(image);
        assertEquals(32, tensor.height());
        assertEquals(64, tensor.width());

        ImageTensor small = new ImagePreprocessor(new ImagePreprocessor.Settings(16)).preprocess(image);
        assertEquals(16, small.height());
        assertEquals(32, small.width());
    }

    @Test
    void carriesTheImageStatisticsWhenAsked() throws Exception {
        BufferedImage image = ImageDecoder.decode(SharedData.file("clive/images/1001.JPG"), ImageLimits.defaults());
        ImageTensor described = new ImagePreprocessor(new ImagePreprocessor.Settings(32, true)).preprocess(image);
        org.junit.jupiter.api.Assertions.assertArrayEquals(ImageStatistics.of(image), described.statistics());
        assertEquals(preprocessor.preprocess(image).withStatistics(ImageStatistics.of(image)), described);
        assertEquals(0, preprocessor.preprocess(image).statisticsCount());
    }

    @Test
    void isDeterministic() throws Exception {
        BufferedImage image = ImageDecoder.decode(SharedData.file("clive/images/1024.JPG"), ImageLimits.defaults());
        assertEquals(preprocessor.preprocess(image), preprocessor.preprocess(IntRgbImages.copyOf(image)));
    }

    @Test
    void rightViewIsTheNativeCentreCrop() {
        BufferedImage image = TestImages.pattern(100, 80);
        ImageTensor tensor = preprocessor.preprocess(image);
        int left = (100 - 32) / 2;
        int top = (80 - 32) / 2;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int expected = image.getRGB(left + x, top + y);
                assertEquals((expected >> 16) & 0xFF, byteAt(tensor, 0, y, 32 + x));
                assertEquals((expected >> 8) & 0xFF, byteAt(tensor, 1, y, 32 + x));
                assertEquals(expected & 0xFF, byteAt(tensor, 2, y, 32 + x));
            }
        }
    }

    @Test
    void leftViewAveragesTheAreaEachPixelCovers() {
        // a one-pixel checkerboard of black and white, 64x64: every 2x2 block averages to 127.5
        BufferedImage checker = IntRgbImages.create(64, 64);
        int[] rgb = IntRgbImages.pixels(checker);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = ((i / 64 + i % 64) % 2 == 0) ? 0xFFFFFF : 0;
        }
        ImageTensor tensor = preprocessor.preprocess(checker);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    assertEquals(128, byteAt(tensor, c, y, x));
                }
            }
        }
    }

    @Test
    void uniformImagesStayUniformAtAnySize() {
        for (int[] size : new int[][] {{500, 500}, {640, 960}, {20, 10}, {33, 31}, {8, 8}}) {
            BufferedImage image = IntRgbImages.create(size[0], size[1]);
            java.util.Arrays.fill(IntRgbImages.pixels(image), 0x336699);
            ImageTensor tensor = preprocessor.preprocess(image);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 64; x++) {
                    assertEquals(0x33, byteAt(tensor, 0, y, x), size[0] + "x" + size[1]);
                    assertEquals(0x99, byteAt(tensor, 2, y, x), size[0] + "x" + size[1]);
                }
            }
        }
    }

    @Test
    void enlargesImagesSmallerThanTheViewBeforeCropping() {
        BufferedImage small = TestImages.pattern(16, 40);
        ImageTensor tensor = preprocessor.preprocess(small);
        assertEquals(32, tensor.height());
        assertEquals(64, tensor.width());
        // enlarged 2x: the crop's first column repeats source column 0
        assertEquals((small.getRGB(0, 20) >> 16) & 0xFF, byteAt(tensor, 0, 16, 32));
    }

    @Test
    void refusesANonPositiveViewSize() {
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessor.Settings(0));
    }

    private static int byteAt(ImageTensor tensor, int channel, int y, int x) {
        return Math.round(tensor.valueAt(channel, y, x) * 255);
    }
}
