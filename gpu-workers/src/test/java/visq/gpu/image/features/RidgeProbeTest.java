package visq.gpu.image.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RidgeProbeTest {

    @Test
    void choleskySolvesASmallSystem() {
        // [[4, 2], [2, 3]] x = [2, 5]: the inverse is [[3, -2], [-2, 4]] / 8, so x = [-0.5, 2]
        double[] x = RidgeProbe.solveSymmetricPositive(new double[][] {{4, 2}, {2, 3}}, new double[] {2, 5});
        assertArrayEquals(new double[] {-0.5, 2}, x, 1e-12);
    }

    @Test
    void aVanishingPenaltyRecoversAnExactLinearRelation() {
        // y = 2 a - b + 3 on 40 random rows of (a, b); with λ → 0 the dual ridge interpolates the relation
        Random random = new Random(7);
        float[][] features = new float[40][2];
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            features[i][0] = (float) random.nextGaussian();
            features[i][1] = (float) random.nextGaussian();
            y[i] = 2.0 * features[i][0] - features[i][1] + 3;
        }
        int[] train = new int[30];
        int[] test = new int[10];
        for (int i = 0; i < 40; i++) {
            if (i < 30) {
                train[i] = i;
            } else {
                test[i - 30] = i;
            }
        }
        double[][] x = RidgeProbe.standardised(features, train);
        // a linear kernel of 2 features has rank 2 < 30: add a bias column so the dual system stays well posed
        double[] trainY = new double[30];
        for (int i = 0; i < 30; i++) {
            trainY[i] = y[i];
        }
        double[] predicted = RidgeProbe.fitPredict(RidgeProbe.gram(x, train, train), trainY,
                RidgeProbe.gram(x, test, train), 1e-8);
        for (int i = 0; i < 10; i++) {
            assertEquals(y[30 + i], predicted[i], 1e-5);
        }
    }

    @Test
    void aMonotoneSignalRanksPerfectly() {
        Random random = new Random(11);
        float[][] features = new float[120][5];
        double[] y = new double[120];
        for (int i = 0; i < 120; i++) {
            for (int k = 0; k < 5; k++) {
                features[i][k] = (float) random.nextGaussian();
            }
            y[i] = features[i][0] + 0.5 * features[i][3];
        }
        RidgeProbe.Result result = RidgeProbe.evaluate(features, y, 4, 0.75, 3, RidgeProbe.DEFAULT_LAMBDAS);
        assertEquals(4, result.srcc().length);
        assertTrue(result.srccMean() > 0.99, "SRCC " + result.srccMean());
        assertTrue(result.plccMean() > 0.99, "PLCC " + result.plccMean());
    }

    @Test
    void rejectsMismatchedTargets() {
        assertThrows(IllegalArgumentException.class,
                () -> RidgeProbe.evaluate(new float[20][3], new double[19], 2, 0.75, 1, RidgeProbe.DEFAULT_LAMBDAS));
    }
}
