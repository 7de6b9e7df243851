package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import visq.gpu.image.raster.IntRgbImages;

class DegraderTest {

    private static BufferedImage source;

    @BeforeAll
    static void loadKodakCrop() throws Exception {
        BufferedImage kodak = ImageDecoder.decode(SharedData.file("kodak/kodim23.png"), ImageLimits.defaults());
        source = IntRgbImages.copyOf(kodak.getSubimage(256, 128, 256, 256));
    }

    private static double[] measure(DegradationClass degradation, ToDoubleFunction<BufferedImage> measure) {
        double[] values = new double[Severity.values().length];
        for (Severity severity : Severity.values()) {
            values[severity.level() - 1] =
                    measure.applyAsDouble(Degrader.apply(source, DegradationLabel.of(degradation, severity), 11L));
        }
        return values;
    }

    @Test
    void noneGivesAnEqualCopy() {
        BufferedImage copy = Degrader.apply(source, DegradationLabel.none(), 1L);
        assertNotSame(source, copy);
        assertArrayEquals(IntRgbImages.pixels(source), IntRgbImages.pixels(copy));
        assertArrayEquals(IntRgbImages.pixels(source), IntRgbImages.pixels(Degrader.none(source)));
    }

    @Test
    void everyLabelIsDeterministicAndLeavesTheSourceAlone() {
        int[] before = IntRgbImages.pixels(source).clone();
        for (DegradationClass degradation : DegradationClass.values()) {
            for (Severity severity : Severity.values()) {
                DegradationLabel label = DegradationLabel.of(degradation, severity);
                BufferedImage first = Degrader.apply(source, label, 42L);
                BufferedImage second = Degrader.apply(source, label, 42L);
                assertEquals(source.getWidth(), first.getWidth());
                assertEquals(source.getHeight(), first.getHeight());
                assertArrayEquals(IntRgbImages.pixels(first), IntRgbImages.pixels(second), label.describe());
                assertFalse(Arrays.equals(before, IntRgbImages.pixels(first)), label.describe() + " changed nothing");
            }
        }
        assertArrayEquals(before, IntRgbImages.pixels(source));
    }

    @Test
    void noiseDependsOnTheSeed() {
        DegradationLabel label = DegradationLabel.of(DegradationClass.NOISE, Severity.OBVIOUS);
        assertFalse(Arrays.equals(IntRgbImages.pixels(Degrader.apply(source, label, 1L)),
                IntRgbImages.pixels(Degrader.apply(source, label, 2L))));
    }

    @Test
    void noiseResidualGrowsClearlyWithLevel() {
        double[] std = measure(DegradationClass.NOISE, image -> ImageMeasures.residualStd(source, image));
        assertEquals(5, std[0], 0.5, "slight noise has sigma 5");
        assertIncreasing(std, 1.3, "noise residual std " + Arrays.toString(std));
    }

    @Test
    void blurRemovesHighFrequenciesClearlyWithLevel() {
        double[] energy = measure(DegradationClass.BLUR, image -> ImageMeasures.highFrequencyEnergy(image, 2));
        assertTrue(energy[0] < 0.8 * ImageMeasures.highFrequencyEnergy(source, 2));
        double[] inverse = Arrays.stream(energy).map(e -> 1 / e).toArray();
        assertIncreasing(inverse, 1.3, "high-frequency energy " + Arrays.toString(energy));
    }

    @Test
    void darkeningLowersMeanLumaClearlyWithLevel() {
        double[] luma = measure(DegradationClass.DARKEN, ImageMeasures::meanLuma);
        assertTrue(luma[0] < ImageMeasures.meanLuma(source) - 8);
        for (int i = 1; i < luma.length; i++) {
            assertTrue(luma[i] < luma[i - 1] - 8, "mean luma " + Arrays.toString(luma));
        }
    }

    @Test
    void compressionLowersPsnrClearlyWithLevel() {
        double[] psnr = measure(DegradationClass.COMPRESSION, image -> ImageMeasures.psnr(source, image));
        for (int i = 1; i < psnr.length; i++) {
            assertTrue(psnr[i] < psnr[i - 1] - 1.0, "PSNR " + Arrays.toString(psnr));
        }
    }

    @Test
    void acceptsImagesOfOtherTypes() {
        BufferedImage bgr = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(source, 0, 0, null);
        DegradationLabel label = DegradationLabel.of(DegradationClass.BLUR, Severity.MODERATE);
        assertArrayEquals(IntRgbImages.pixels(Degrader.apply(source, label, 0L)),
                IntRgbImages.pixels(Degrader.apply(bgr, label, 0L)));
    }

    private static void assertIncreasing(double[] values, double minRatio, String message) {
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i] > minRatio * values[i - 1], message);
        }
    }
}
