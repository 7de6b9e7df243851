package visq.gpu.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @Test
    void scatterWithFitIsAPngOfTheRequestedSize(@TempDir Path folder) throws IOException {
        Random random = new Random(7);
        double[] predicted = new double[300];
        double[] mos = new double[300];
        LogisticParameters truth = new LogisticParameters(90, 10, 3.0, 0.5);
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = 1 + 4 * random.nextDouble();
            mos[i] = truth.valueAt(predicted[i]) + 4 * random.nextGaussian();
        }
        Path file = Plots.writeScatterWithFit(folder.resolve("charts/scatter.png"), "KonIQ test: prediction vs MOS",
                predicted, mos, LogisticFit.fit(predicted, mos), 640, 480);
        BufferedImage image = assertPng(file, 640, 480);
        assertTrue(countInk(image) > 2000, "points, curve, axes and text were drawn: " + countInk(image));
    }

    @Test
    void trainingCurvesSkipNaNAndAcceptFlatSeries(@TempDir Path folder) throws IOException {
        double[] steps = new double[50];
        double[] reward = new double[50];
        double[] format = new double[50];
        double[] kl = new double[50];
        double[] scoreStd = new double[50];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = 10 * i;
            reward[i] = 1 - Math.exp(-i / 15.0);
            format[i] = 1.0;                                    // flat
            kl[i] = i % 7 == 3 ? Double.NaN : 0.001 * i;         // gaps
            scoreStd[i] = Double.NaN;
        }
        scoreStd[10] = 0.4;                                     // a single finite point
        List<TrainingSeries> series = List.of(new TrainingSeries("reward mean", steps, reward),
                new TrainingSeries("format rate", steps, format), new TrainingSeries("KL", steps, kl),
                new TrainingSeries("score std over K", steps, scoreStd));
        Path file = Plots.writeTrainingCurves(folder.resolve("training.png"), "GRPO run 3", series, 900, 600);
        assertPng(file, 900, 600);
    }

    @Test
    void rejectsBadInput(@TempDir Path folder) {
        assertThrows(IllegalArgumentException.class,
                () -> Plots.writeTrainingCurves(folder.resolve("x.png"), "t", List.of(), 400, 300));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingSeries("reward", new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Plots.writeScatterWithFit(folder.resolve("y.png"), "t",
                new double[] {1, 2, 3}, new double[] {1, 2, 3}, LogisticFit.fit(new double[] {1, 2, 3},
                        new double[] {1, 2, 3}), 10, 10));
    }

    @Test
    void axisTicksAreNice() {
        AxisScale axis = AxisScale.covering(0.13, 4.87, 6, 0, 100);
        // By hand: rough step 4.74/5 = 0.948 → 1; range widened to [0, 5].
        assertEquals(0.0, axis.min());
        assertEquals(5.0, axis.max());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5},
                axis.ticks().stream().mapToDouble(Double::doubleValue).toArray(), 1e-12);
        assertEquals(50.0, axis.toPixel(2.5), 1e-12);
        // By hand: rough step 0.1/5 = 0.02 needs two decimals.
        assertEquals("0.04", AxisScale.covering(0, 0.1, 6, 0, 1).label(0.04));
        assertEquals(2.0, AxisScale.niceStep(1.3));
        assertEquals(5.0, AxisScale.niceStep(2.01));
        // A constant range is widened instead of dividing by zero.
        AxisScale flat = AxisScale.covering(3, 3, 5, 0, 100);
        assertTrue(flat.max() > flat.min());
    }

    private static BufferedImage assertPng(Path file, int width, int height) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, 8), "PNG signature");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "ImageIO reads the PNG");
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
        return image;
    }

    private static int countInk(BufferedImage image) {
        int ink = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                ink += (image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
            }
        }
        return ink;
    }
}
