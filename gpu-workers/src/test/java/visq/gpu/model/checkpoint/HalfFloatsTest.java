package visq.gpu.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The 16-bit conversions over every bit pattern, against IEEE 754 by construction: every half is exactly a float,
 * so converting it back must give the same bits; a float halfway between two adjacent halves must round to the
 * one with an even last bit. (Values torch produces are checked in SafetensorsFileTest.)
 */
class HalfFloatsTest {

    @Test
    void everyHalfRoundTripsThroughFloat() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = HalfFloats.halfToFloat((short) bits);
            if (Float.isNaN(value)) {
                assertTrue((bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0, Integer.toHexString(bits));
                assertTrue(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(value))));
                continue;
            }
            assertEquals(bits, HalfFloats.floatToHalf(value) & 0xffff, Integer.toHexString(bits));
        }
    }

    @Test
    void midpointsRoundToEvenAndNeighboursToNearest() {
        for (int bits = 0; bits < 0x7bff; bits++) {
            float low = HalfFloats.halfToFloat((short) bits);
            float high = HalfFloats.halfToFloat((short) (bits + 1));
            // both neighbours and their midpoint are exact in float32 (11 significant bits + 1)
            float middle = (float) (((double) low + high) / 2);
            int even = (bits & 1) == 0 ? bits : bits + 1;
            assertEquals(even, HalfFloats.floatToHalf(middle), "midpoint above " + Integer.toHexString(bits));
            assertEquals(bits, HalfFloats.floatToHalf(Math.nextDown(middle)), "below midpoint " + bits);
            assertEquals(bits + 1, HalfFloats.floatToHalf(Math.nextUp(middle)), "above midpoint " + bits);
            assertEquals(bits | 0x8000, HalfFloats.floatToHalf(-Math.nextDown(middle)) & 0xffff, "negative " + bits);
        }
    }

    @Test
    void overflowUnderflowAndBfloat16() {
        // 65504 is the largest half; 65520 is the midpoint to the next power of two, which rounds to infinity
        assertEquals(0x7bff, HalfFloats.floatToHalf(65504f));
        assertEquals(0x7bff, HalfFloats.floatToHalf(Math.nextDown(65520f)));
        assertEquals(0x7c00, HalfFloats.floatToHalf(65520f));
        assertEquals((short) 0xfc00, HalfFloats.floatToHalf(Float.NEGATIVE_INFINITY));
        // 2^-25 is the midpoint between 0 and the smallest subnormal 2^-24: ties to the even zero
        assertEquals(0, HalfFloats.floatToHalf(0x1p-25f));
        assertEquals(1, HalfFloats.floatToHalf(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, HalfFloats.floatToHalf(-0.0f));
        // bfloat16 is the upper half of a float32
        assertEquals(1.0f, HalfFloats.bfloat16ToFloat((short) 0x3f80));
        assertEquals(-2.0f, HalfFloats.bfloat16ToFloat((short) 0xc000));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bfloat16ToFloat((short) 0x7f80));
    }
}
