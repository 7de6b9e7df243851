package visq.gpu.eval.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
}
