package visq.gpu.eval.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import visq.gpu.image.nss.TestImages;

class PsnrTest {

    private final Psnr psnr = new Psnr();

    @Test
    void constantOffsetGivesClosedForm() {
        BufferedImage reference = TestImages.noise(40, 30, 20, 200, 1);
        for (int d : new int[] {1, 5, 17}) {
            double score = psnr.score(reference, TestImages.offset(reference, d));
            // mse = d² on every channel: 20 log10(255 / d), up to the toolbox's 1e-8 added to the [0, 1] mse
            assertEquals(10 * Math.log10(1 / ((double) d * d / (255.0 * 255.0) + Psnr.EPSILON)), score, 1e-9);
            assertEquals(20 * Math.log10(255.0 / d), score, 3e-3, "offset " + d);
        }
    }

    @Test
    void averagesOverTheThreeChannels() {
        BufferedImage reference = TestImages.grey(16, 16, 100);
        BufferedImage redOnly = TestImages.of(16, 16, (x, y) -> (110 << 16) | (100 << 8) | 100);
        // mse = 10² / 3 over the three channels
        assertEquals(10 * Math.log10(1 / (100.0 / 3 / (255.0 * 255.0) + Psnr.EPSILON)), psnr.score(reference, redOnly),
                1e-9);
    }

    @Test
    void identicalImagesScoreEightyDecibels() {
        BufferedImage image = TestImages.noise(20, 20, 0, 255, 2);
        assertEquals(80.0, psnr.score(image, image), 1e-9); // 10 log10(1 / 1e-8)
    }

    @Test
    void refusesImagesOfDifferentSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> psnr.score(TestImages.grey(10, 10, 0), TestImages.grey(10, 11, 0)));
        assertTrue(e.getMessage().contains("10x11"), e.getMessage());
    }
}
