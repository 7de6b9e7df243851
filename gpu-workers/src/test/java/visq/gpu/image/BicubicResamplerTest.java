package visq.gpu.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Closed-form properties of {@link BicubicResampler}; its bit-exact agreement with Pillow is tested on the golden
 * images in {@code visq.gpu.model.qwen.QwenImageProcessorTest}.
 */
class BicubicResamplerTest {

    @Test
    void kernelIsTheCubicConvolutionWithAMinusOneHalf() {
        // Keys' kernel, a = -0.5: 1 at 0, 0 at the integers, (a+2)|x|^3 - (a+3)|x|^2 + 1 inside 1,
        // a(|x|^3 - 5|x|^2 + 8|x| - 4) from 1 to 2
        assertEquals(1.0, BicubicResampler.kernel(0.0));
        assertEquals(0.0, BicubicResampler.kernel(1.0), 0.0);
        assertEquals(0.0, BicubicResampler.kernel(-2.0), 0.0);
        assertEquals(0.0, BicubicResampler.kernel(3.0), 0.0);
        assertEquals(0.5625, BicubicResampler.kernel(0.5));
        assertEquals(0.5625, BicubicResampler.kernel(-0.5));
        assertEquals(-0.0625, BicubicResampler.kernel(1.5));
    }

    @Test
    void fixedPointWeightsOfEveryOutputSumToOne() {
        int one = 1 << BicubicResampler.PRECISION_BITS;
        for (int[] sizes : new int[][] {{45, 56}, {61, 56}, {400, 112}, {3000, 1260}, {30, 56}, {7, 500}}) {
            BicubicResampler.AxisWeights weights = BicubicResampler.AxisWeights.of(sizes[0], sizes[1]);
            for (int i = 0; i < sizes[1]; i++) {
                long sum = 0;
                for (int w : weights.weights[i]) {
                    sum += w;
                }
                // each weight is rounded on its own: the sum is one within half a unit per weight
                assertTrue(Math.abs(sum - one) <= weights.weights[i].length, sizes[0] + "->" + sizes[1] + " output " + i
                        + ": " + sum);
                assertTrue(weights.first[i] >= 0 && weights.first[i] + weights.weights[i].length <= sizes[0]);
            }
        }
    }

    @Test
    void aDownscaleWidensTheFilterByTheScale() {
        // 400 -> 100: scale 4, support 2 x 4 = 8 on each side of the centre, so up to 16 taps inside the image
        BicubicResampler.AxisWeights weights = BicubicResampler.AxisWeights.of(400, 100);
        assertEquals(16, weights.weights[50].length);
        // 100 -> 400: support 2, 4 taps
        assertEquals(4, BicubicResampler.AxisWeights.of(100, 400).weights[200].length);
    }

    @Test
    void aConstantImageStaysConstant() {
        int[] grey = new int[37 * 23];
        java.util.Arrays.fill(grey, 0x7F40C0);
        int[] resized = BicubicResampler.resize(grey, 37, 23, 56, 84);
        for (int pixel : resized) {
            assertEquals(0x7F40C0, pixel);
        }
    }

    @Test
    void overshootIsClippedToTheByteRange() {
        // a hard black/white edge: the negative lobes overshoot below 0 and above 255
        int[] edge = new int[16];
        for (int x = 8; x < 16; x++) {
            edge[x] = 0xFFFFFF;
        }
        int[] resized = BicubicResampler.resize(edge, 16, 1, 61, 1);
        assertEquals(0, resized[0]);
        assertEquals(0xFFFFFF, resized[60]);
        for (int pixel : resized) {
            int red = (pixel >> 16) & 0xFF;
            assertTrue(red >= 0 && red <= 255);
        }
    }

    @Test
    void anUnchangedSizeIsACopy() {
        int[] rgb = {1, 2, 3, 4, 5, 6};
        int[] same = BicubicResampler.resize(rgb, 3, 2, 3, 2);
        assertArrayEquals(rgb, same);
        assertNotSame(rgb, same);
    }

    @Test
    void refusesMismatchedSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BicubicResampler.resize(new int[5], 3, 2, 6, 4));
        assertTrue(e.getMessage().contains("3x2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BicubicResampler.resize(new int[6], 3, 2, 0, 4));
    }
}
