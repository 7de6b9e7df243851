package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import visq.gpu.golden.Golden;
import visq.gpu.image.ImageDecoder;
import visq.gpu.image.ImageLimits;
import visq.gpu.image.ImageTensor;
import visq.gpu.image.raster.IntRgbImages;
import visq.gpu.image.SharedData;

/**
 * {@link QwenImageProcessor} against transformers' {@code Qwen2VLImageProcessorPil} and Pillow's bicubic resize:
 * expected values from {@code tools/qwen-reference/image_golden.py} ({@code /qwen-image/image-golden.json}).
 */
class QwenImageProcessorTest {

    private static final QwenImageProcessorConfig PUBLISHED = new QwenImageProcessorConfig(3136, 12845056, 14, 2, 2,
            new float[] {0.48145466f, 0.4578275f, 0.40821073f}, new float[] {0.26862954f, 0.26130258f, 0.27577711f});

    static Stream<Named<Map<String, Object>>> syntheticCases() {
        return QwenImageGolden.imageCases().stream().filter(c -> c.get("resizedPng") != null)
                .map(c -> Named.of((String) c.get("name"), c));
    }

    static Stream<Named<Map<String, Object>>> casesWithFullValues() {
        return QwenImageGolden.imageCases().stream().filter(c -> c.get("pixelValuesFile") != null)
                .map(c -> Named.of((String) c.get("name"), c));
    }

    @Test
    void smartResizeMatchesTransformersOverTheTable() {
        List<Object> table = Golden.list(QwenImageGolden.json("image-golden.json").get("smartResize"));
        assertTrue(table.size() > 500, "table rows: " + table.size());
        for (Object row : table) {
            double[] r = Golden.doubles(row);
            QwenImageProcessor processor = new QwenImageProcessor(new QwenImageProcessorConfig((long) r[2], (long) r[3],
                    14, 2, 2, PUBLISHED.imageMean(), PUBLISHED.imageStd()));
            QwenImageProcessor.Size size = processor.smartResize((int) r[0], (int) r[1]);
            assertEquals(new QwenImageProcessor.Size((int) r[4], (int) r[5]), size, "smart_resize(" + (int) r[0] + ", "
                    + (int) r[1] + ", min " + (long) r[2] + ", max " + (long) r[3] + ")");
        }
    }

    @Test
    void smartResizeRoundsTiesToEvenAsPython() {
        QwenImageProcessor processor = new QwenImageProcessor(PUBLISHED);
        // 42 / 28 = 1.5 rounds to 2, 70 / 28 = 2.5 rounds to 2 (Python's round), 98 / 28 = 3.5 rounds to 4
        assertEquals(new QwenImageProcessor.Size(56, 56), processor.smartResize(42, 70));
        assertEquals(new QwenImageProcessor.Size(112, 56), processor.smartResize(98, 70));
    }

    @Test
    void smartResizeRefusesImagesSmallerThanTheFactor() {
        QwenImageProcessor processor = new QwenImageProcessor(PUBLISHED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> processor.smartResize(27, 300));
        assertTrue(e.getMessage().contains("27x300") && e.getMessage().contains("28"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> processor.smartResize(300, 10));
    }

    @Test
    void smartResizeRefusesAspectRatiosAbove200() {
        QwenImageProcessor processor = new QwenImageProcessor(PUBLISHED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> processor.smartResize(28, 5601));
        assertTrue(e.getMessage().contains("28x5601") && e.getMessage().contains("aspect ratio"), e.getMessage());
        assertEquals(new QwenImageProcessor.Size(28, 5600), processor.smartResize(28, 5600));
    }

    @ParameterizedTest(name = "{index} {0}")
    @MethodSource("syntheticCases")
    void resizeIsBitExactWithPillowBicubic(Map<String, Object> imageCase) {
        QwenImageProcessor processor = new QwenImageProcessor(QwenImageGolden.config(imageCase));
        BufferedImage source = QwenImageGolden.png((String) imageCase.get("source"));
        ImageTensor resized = processor.resize(source);

        BufferedImage expected = QwenImageGolden.png((String) imageCase.get("resizedPng"));
        assertEquals(expected.getHeight(), resized.height());
        assertEquals(expected.getWidth(), resized.width());
        assertEquals(QwenImageGolden.integer(imageCase.get("resizedHeight")), resized.height());
        assertEquals(QwenImageGolden.integer(imageCase.get("resizedWidth")), resized.width());
        assertArrayEquals(chw(expected), resized.pixels(), "resized pixels of " + imageCase.get("name"));
        assertEquals(imageCase.get("resizedChwSha256"), QwenImageGolden.sha256(resized.pixels()));
    }

    @ParameterizedTest(name = "{index} {0}")
    @MethodSource("syntheticCases")
    void pixelValuesAndGridMatchTheReference(Map<String, Object> imageCase) {
        QwenImageProcessor processor = new QwenImageProcessor(QwenImageGolden.config(imageCase));
        PatchedImage patched = processor.process(QwenImageGolden.png((String) imageCase.get("source")));
        assertReference(imageCase, patched);
    }

    @ParameterizedTest(name = "{index} {0}")
    @MethodSource("casesWithFullValues")
    void pixelValuesAgreeElementWiseWithinOneMillionth(Map<String, Object> imageCase) {
        QwenImageProcessor processor = new QwenImageProcessor(QwenImageGolden.config(imageCase));
        float[] actual = processor.process(QwenImageGolden.png((String) imageCase.get("source"))).pixelValues();
        float[] expected = QwenImageGolden.float32((String) imageCase.get("pixelValuesFile"));
        assertEquals(expected.length, actual.length);
        double maxAbsDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbsDiff = Math.max(maxAbsDiff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(maxAbsDiff <= 1e-6, imageCase.get("name") + ": max |diff| = " + maxAbsDiff);
    }

    @Test
    void clivePhotoMatchesTheReferenceAtAForcedDownscale() throws Exception {
        Map<String, Object> imageCase = QwenImageGolden.imageCase("clive-100");
        assertEquals(3136.0, imageCase.get("minPixels"));
        BufferedImage photo = ImageDecoder.decode(SharedData.file("clive/images/100.png"), ImageLimits.defaults());
        QwenImageProcessor processor = new QwenImageProcessor(QwenImageGolden.config(imageCase));
        ImageTensor resized = processor.resize(photo);
        assertEquals(imageCase.get("resizedChwSha256"), QwenImageGolden.sha256(resized.pixels()));
        assertReference(imageCase, processor.patches(resized));
    }

    @Test
    void anImageOfTheTargetSizeKeepsItsPixels() {
        Map<String, Object> imageCase = QwenImageGolden.imageCase("exact");
        BufferedImage source = QwenImageGolden.png((String) imageCase.get("source"));
        ImageTensor resized = new QwenImageProcessor(QwenImageGolden.config(imageCase)).resize(source);
        assertArrayEquals(chw(source), resized.pixels());
    }

    @Test
    void patchesFollowTheReferenceOrder() {
        // 56 x 56, one merge window of 2 x 2 patches: pixel (c, y, x) holds a value naming its channel and place
        int side = 56;
        byte[] chw = new byte[3 * side * side];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int value = c * 80 + (y / 14) * 20 + (x / 14) * 5 + (y % 14 == x % 14 ? 1 : 0);
                    chw[(c * side + y) * side + x] = (byte) value;
                }
            }
        }
        QwenImageProcessorConfig identity = new QwenImageProcessorConfig(3136, 12845056, 14, 2, 2,
                new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f});
        PatchedImage patched = new QwenImageProcessor(identity).patches(ImageTensor.of(side, side, chw));
        assertEquals(16, patched.patchCount());
        assertEquals(4, patched.mergedTokens(2));
        assertEquals(2 * 3 * 14 * 14, patched.valuesPerPatch());
        float[] values = patched.pixelValues();
        int rowLength = patched.valuesPerPatch();
        // row 2 is the first patch of the second row of window (0, 0): patch row 1, patch column 0
        // row 4 is the first patch of window (0, 1): patch row 0, patch column 2
        int[][] rowToPatch = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 0}};
        for (int row = 0; row < rowToPatch.length; row++) {
            for (int c = 0; c < 3; c++) {
                for (int frame = 0; frame < 2; frame++) {
                    for (int py = 0; py < 14; py++) {
                        for (int px = 0; px < 14; px++) {
                            int expected = c * 80 + rowToPatch[row][0] * 20 + rowToPatch[row][1] * 5
                                    + (py == px ? 1 : 0);
                            float actual = values[row * rowLength + ((c * 2 + frame) * 14 + py) * 14 + px];
                            assertEquals((float) (expected * (1.0 / 255)), actual, "row " + row + " c " + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void patchesRefuseSidesThatAreNotMultiplesOf28() {
        QwenImageProcessor processor = new QwenImageProcessor(PUBLISHED);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> processor.patches(ImageTensor.of(56, 70, new byte[3 * 56 * 70])));
        assertTrue(e.getMessage().contains("56x70") && e.getMessage().contains("28"), e.getMessage());
    }

    @Test
    void mergedTokensCountOneImagePadPerMergedPatch() {
        QwenImageProcessor processor = new QwenImageProcessor(PUBLISHED);
        // 500 x 375 -> 504 x 364: 18 x 13 merged tokens
        assertEquals(new QwenImageProcessor.Size(504, 364), processor.smartResize(500, 375));
        assertEquals(18 * 13, processor.mergedTokens(500, 375));
        PatchedImage patched = processor.process(IntRgbImages.create(375, 500));
        assertEquals(processor.mergedTokens(500, 375), patched.mergedTokens(2));
        assertEquals(new MultimodalPositions.ImageGrid(1, 36, 26), patched.grid());
    }

    @Test
    void refusesAnInconsistentConfig() {
        assertThrows(IllegalArgumentException.class, () -> new QwenImageProcessor(new QwenImageProcessorConfig(
                5000, 4000, 14, 2, 2, PUBLISHED.imageMean(), PUBLISHED.imageStd())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QwenImageProcessor(
                new QwenImageProcessorConfig(3136, 4000, 14, 2, 2, PUBLISHED.imageMean(), new float[] {1f, 0f, 1f})));
        assertTrue(e.getMessage().contains("image_std[1]"), e.getMessage());
    }

    private static void assertReference(Map<String, Object> imageCase, PatchedImage patched) {
        String name = (String) imageCase.get("name");
        double[] grid = Golden.doubles(imageCase.get("gridThw"));
        assertEquals(new MultimodalPositions.ImageGrid((int) grid[0], (int) grid[1], (int) grid[2]), patched.grid(),
                name);
        double[] shape = Golden.doubles(imageCase.get("pixelValuesShape"));
        assertEquals((int) shape[0], patched.patchCount(), name);
        assertEquals((int) shape[1], patched.valuesPerPatch(), name);
        float[] values = patched.pixelValues();
        for (Object sample : Golden.list(imageCase.get("pixelValuesSamples"))) {
            double[] s = Golden.doubles(sample);
            assertEquals((float) s[1], values[(int) s[0]], 1e-6, name + " pixel value " + (long) s[0]);
        }
        assertEquals(imageCase.get("pixelValuesSha256"), QwenImageGolden.sha256(QwenImageGolden.littleEndian(values)),
                name + ": pixel values differ from the reference bit for bit");
    }

    private static byte[] chw(BufferedImage image) {
        int[] rgb = IntRgbImages.pixels(IntRgbImages.toIntRgb(image));
        int plane = rgb.length;
        byte[] out = new byte[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = (byte) (rgb[i] >> 16);
            out[plane + i] = (byte) (rgb[i] >> 8);
            out[2 * plane + i] = (byte) rgb[i];
        }
        return out;
    }
}
