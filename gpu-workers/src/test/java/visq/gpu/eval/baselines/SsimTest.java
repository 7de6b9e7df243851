package visq.gpu.eval.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import visq.gpu.image.nss.TestImages;

class SsimTest {

    private final Ssim ssim = new Ssim();

    @Test
    void imageAgainstItselfIsOne() {
        BufferedImage image = TestImages.noise(48, 40, 0, 255, 3);
        assertEquals(1.0, ssim.score(image, image), 1e-12);
    }

    @Test
    void uniformImagesReduceToTheLuminanceTerm() {
        // No variance anywhere: SSIM = (2 μx μy + C1) / (μx² + μy² + C1) with C1 = (0.01 · 255)².
        double c1 = 2.55 * 2.55;
        double expected = (2 * 100.0 * 120.0 + c1) / (100.0 * 100.0 + 120.0 * 120.0 + c1);
        assertEquals(expected, ssim.score(TestImages.grey(20, 20, 100), TestImages.grey(20, 20, 120)), 1e-9);
    }

    @Test
    void isSymmetricAndBelowOneForDifferentImages() {
        BufferedImage a = TestImages.noise(32, 32, 0, 255, 4);
        BufferedImage b = TestImages.noise(32, 32, 0, 255, 5);
        double ab = ssim.score(a, b);
        assertEquals(ab, ssim.score(b, a), 1e-12);
        assertTrue(ab < 0.1, "independent noise should be nearly unrelated: " + ab);
    }

    @Test
    void refusesImagesSmallerThanTheWindow() {
        assertThrows(IllegalArgumentException.class,
                () -> ssim.score(TestImages.grey(10, 30, 1), TestImages.grey(10, 30, 1)));
    }
}
