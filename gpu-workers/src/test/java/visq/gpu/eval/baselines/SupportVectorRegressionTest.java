package visq.gpu.eval.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupportVectorRegressionTest {

    private static final List<String> TINY = List.of(
            "svm_type epsilon_svr", "kernel_type rbf", "gamma 0.5", "nr_class 2", "total_sv 2", "rho -1.5", "SV",
            "2 1:1 3:-1 ", "-0.5 2:2");

    @Test
    void predictsTheKernelExpansionMinusRho() {
        SupportVectorRegression model = SupportVectorRegression.parse(TINY);
        assertEquals(3, model.dimension());
        assertEquals(2, model.supportVectorCount());
        double[] x = {0.5, 1, 0};
        double d1 = 0.25 + 1 + 1; // ‖x - (1, 0, -1)‖²
        double d2 = 0.25 + 1 + 0; // ‖x - (0, 2, 0)‖²
        double expected = 2 * Math.exp(-0.5 * d1) - 0.5 * Math.exp(-0.5 * d2) + 1.5;
        assertEquals(expected, model.predict(x), 1e-12);
    }

    @Test
    void refusesOtherKernelsAndMissingFeatures() {
        List<String> linear = List.of("svm_type epsilon_svr", "kernel_type linear", "gamma 1", "rho 0", "SV", "1 1:1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SupportVectorRegression.parse(linear));
        assertTrue(e.getMessage().contains("linear"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SupportVectorRegression.parse(TINY).predict(new double[2]));
        assertThrows(IllegalArgumentException.class, () -> SupportVectorRegression.parse(List.of("gamma 1")));
    }

    @Test
    void readsTheSharedBrisqueModel() throws IOException {
        SupportVectorRegression model =
                SupportVectorRegression.load(CalibrationData.parameters().resolve("brisque_model.libsvm"));
        assertEquals(774, model.supportVectorCount()); // brisque_model.libsvm header: total_sv 774
        assertEquals(36, model.dimension());
    }

    @Test
    void scalesFeaturesToTheTrainingRange() throws IOException {
        FeatureScaling scaling = FeatureScaling.parse(List.of("x", "-1 1", "1 0 10", "2 2 4", "3 5 5"));
        assertEquals(List.of(-1.0, 1.0, 0.0), box(scaling.scale(new double[] {0, 4, 5})));
        assertEquals(List.of(0.0, -3.0, 0.0), box(scaling.scale(new double[] {5, 0, 7}))); // no clipping
        FeatureScaling shared = FeatureScaling.load(CalibrationData.parameters().resolve("brisque_range.txt"));
        assertEquals(36, shared.dimension());
        assertThrows(IllegalArgumentException.class, () -> FeatureScaling.parse(List.of("-1 1", "1 0 1")));
    }

    private static List<Double> box(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
