package visq.gpu.eval.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import visq.gpu.image.nss.TestImages;

class BaselineMetricsTest {

    private final BaselineMetrics metrics = BaselineMetrics.withParameters(CalibrationData.parameters());

    @Test
    void selectsEveryMetricByItsName() {
        for (String name : BaselineMetrics.NO_REFERENCE) {
            assertEquals(name, metrics.noReference(name).name());
        }
        for (String name : BaselineMetrics.FULL_REFERENCE) {
            assertEquals(name, BaselineMetrics.fullReference(name).name());
        }
        assertEquals("niqe", metrics.noReference(" NIQE ").name());
    }

    @Test
    void knowsWhichDirectionIsBetter() {
        assertFalse(metrics.noReference("niqe").higherIsBetter());
        assertFalse(metrics.noReference("brisque").higherIsBetter());
        assertTrue(BaselineMetrics.fullReference("psnr").higherIsBetter());
        assertTrue(BaselineMetrics.fullReference("ssim").higherIsBetter());
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException noRef = assertThrows(IllegalArgumentException.class,
                () -> metrics.noReference("psnr"));
        assertTrue(noRef.getMessage().contains("niqe, brisque"), noRef.getMessage());
        IllegalArgumentException fullRef = assertThrows(IllegalArgumentException.class,
                () -> BaselineMetrics.fullReference("lpips"));
        assertTrue(fullRef.getMessage().contains("psnr, ssim"), fullRef.getMessage());
    }

    @Test
    void missingParameterFilesAreReported() {
        BaselineMetrics nowhere = BaselineMetrics.withParameters(Path.of("no-such-folder"));
        assertThrows(UncheckedIOException.class, () -> nowhere.noReference("brisque"));
    }

    @Test
    void noReferenceMetricsRefuseTinyImages() {
        assertThrows(IllegalArgumentException.class,
                () -> metrics.noReference("niqe").score(TestImages.noise(150, 96, 0, 255, 7)));
        assertThrows(IllegalArgumentException.class,
                () -> metrics.noReference("brisque").score(TestImages.noise(15, 40, 0, 255, 8)));
    }

    @Test
    void niqeRefusesAUniformImageWhileBrisqueSeesItsZeroPaddedEdges() {
        // Replicated edges leave NIQE no negative coefficient anywhere; BRISQUE's zero padding creates edges.
        assertThrows(IllegalArgumentException.class,
                () -> metrics.noReference("niqe").score(TestImages.grey(200, 100, 90)));
        assertTrue(Double.isFinite(metrics.noReference("brisque").score(TestImages.grey(40, 40, 90))));
    }

    @Test
    void noReferenceMetricsRankANoisyCopyBelowTheOriginal() {
        java.awt.image.BufferedImage original = CalibrationData.reference("I04");
        java.util.Random random = new java.util.Random(9);
        java.awt.image.BufferedImage noisy = TestImages.of(original.getWidth(), original.getHeight(), (x, y) -> {
            int p = original.getRGB(x, y);
            int out = 0;
            for (int shift = 0; shift <= 16; shift += 8) {
                int v = ((p >> shift) & 0xff) + (int) Math.round(25 * random.nextGaussian());
                out |= Math.max(0, Math.min(255, v)) << shift;
            }
            return out;
        });
        for (String name : BaselineMetrics.NO_REFERENCE) {
            NoReferenceMetric metric = metrics.noReference(name);
            double clean = metric.score(original);
            double worse = metric.score(noisy);
            assertTrue(worse > clean, name + ": noisy " + worse + " should be worse (higher) than clean " + clean);
        }
    }
}
