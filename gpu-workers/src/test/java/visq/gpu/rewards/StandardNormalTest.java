package visq.gpu.rewards;

import static visq.gpu.golden.Golden.assertRelative;
import static visq.gpu.golden.Golden.doubles;
import static visq.gpu.golden.Golden.list;

import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import visq.gpu.golden.Golden;

class StandardNormalTest {

    private static final Map<String, Object> GOLDEN = Golden.load("normal_cdf.json");

    @Test
    void erfMatchesScipy() {
        for (Object row : list(GOLDEN.get("erf"))) {
            double[] xy = doubles(row);
            assertRelative(xy[1], StandardNormal.erf(xy[0]), 2e-15, "normal_cdf.json erf(" + xy[0] + ") (scipy)");
        }
    }

    @Test
    void erfcMatchesScipyIncludingTheTail() {
        for (Object row : list(GOLDEN.get("erfc"))) {
            double[] xy = doubles(row);
            assertRelative(xy[1], StandardNormal.erfc(xy[0]), 2e-15, "normal_cdf.json erfc(" + xy[0] + ") (scipy)");
        }
    }

    @Test
    void cdfMatchesScipy() {
        for (Object row : list(GOLDEN.get("phi"))) {
            double[] zy = doubles(row);
            // the division z/√2 rounds the argument by half an ulp, which the tail amplifies to about z² ulps
            double tolerance = 2e-15 * Math.max(1.0, zy[0] * zy[0]);
            assertRelative(zy[1], StandardNormal.cdf(zy[0]), tolerance, "normal_cdf.json Φ(" + zy[0] + ") (scipy)");
        }
    }

    @Test
    void symmetryAndNaN() {
        // closed form: Φ(z) + Φ(−z) = 1, erf(0) = 0
        Assertions.assertEquals(1.0, StandardNormal.cdf(0.7) + StandardNormal.cdf(-0.7), 1e-15, "Φ(z)+Φ(−z)=1");
        Assertions.assertEquals(0.0, StandardNormal.erf(0.0), "erf(0) = 0");
        Assertions.assertTrue(Double.isNaN(StandardNormal.cdf(Double.NaN)), "Φ(NaN) is NaN");
    }
}
