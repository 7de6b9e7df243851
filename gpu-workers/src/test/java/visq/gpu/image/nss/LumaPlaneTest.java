package visq.gpu.image.nss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LumaPlaneTest {

    @Test
    void lumaIsRoundedYiqY() {
        LumaPlane luma = LumaPlane.ofRgb(TestImages.of(4, 1, (x, y) -> new int[] {0xffffff, 0xff0000, 0x00ff00,
            0x0000ff}[x]));
        assertEquals(255, luma.at(0, 0), 0);
        assertEquals(76, luma.at(1, 0), 0); // 0.299 · 255 = 76.2
        assertEquals(150, luma.at(2, 0), 0); // 0.587 · 255 = 149.7
        assertEquals(29, luma.at(3, 0), 0); // 0.114 · 255 = 29.1
    }

    @Test
    void halvingKeepsAUniformPlaneAndRoundsSizesUp() {
        double[] values = new double[7 * 5];
        java.util.Arrays.fill(values, 42);
        LumaPlane half = new LumaPlane(7, 5, values).halved();
        assertEquals(4, half.width());
        assertEquals(3, half.height());
        for (double v : half.toArray()) {
            assertEquals(42, v, 1e-12);
        }
    }

    @Test
    void halvingARampAveragesNeighbourPairsAwayFromEdges() {
        // The bicubic kernel reproduces linear functions, so in the interior output j is the mean of 2j and 2j+1.
        double[] values = new double[16 * 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 16;
        }
        LumaPlane half = new LumaPlane(16, 8, values).halved();
        for (int j = 2; j < 6; j++) {
            assertEquals(2 * j + 0.5, half.at(j, 1), 1e-12);
        }
    }

    @Test
    void mirrorRepeatsTheEdgeSample() {
        assertEquals(0, LumaPlane.mirror(-1, 5));
        assertEquals(2, LumaPlane.mirror(-3, 5));
        assertEquals(4, LumaPlane.mirror(5, 5));
        assertEquals(1, LumaPlane.mirror(8, 5));
    }
}
