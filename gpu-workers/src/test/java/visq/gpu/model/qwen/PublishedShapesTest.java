package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * What a node holds for the published Qwen2.5-VL-3B/7B-Instruct shapes (config.json of the published checkpoints:
 * 7B text 3584 wide, 18944 MLP, 28 layers, 28 heads, 4 kv heads, vocabulary 152064, untied head; 3B text 2048 wide,
 * 11008 MLP, 36 layers, 16 heads, 2 kv heads, vocabulary 151936, tied head; vision for both 32 blocks of width 1280,
 * MLP 3420, 16 heads, window 112, full attention in blocks 7, 15, 23, 31). The expected counts are the closed forms
 * written out below, independent of the tensor enumeration in {@link QwenTensorLayout}; the 7B total matches the
 * model card's "8.29B parameters".
 */
class PublishedShapesTest {

    private static QwenVisionConfig vision(int out) {
        return new QwenVisionConfig(32, 1280, 16, 3420, 14, 2, 2, 3, out, 112, new int[] {7, 15, 23, 31}, "silu");
    }

    /** Decoder: per layer q (H·H + H), k and v (H·kv·hd + kv·hd each), o (H·H), MLP 3·H·I, two norms 2·H. */
    private static long text(long v, long h, long i, long layers, long heads, long kv, boolean tied) {
        long hd = h / heads;
        long perLayer = h * h + h + 2 * (h * kv * hd + kv * hd) + h * h + 3 * h * i + 2 * h;
        return v * h * (tied ? 1 : 2) + layers * perLayer + h;
    }

    /** Vision: patch conv H·3·2·14·14; per block 2 RMSNorms, qkv, proj, SwiGLU with biases; merger ln_q + 2 linears. */
    private static long visionCount(long out) {
        long h = 1280;
        long i = 3420;
        long block = 2 * h + (3 * h * h + 3 * h) + (h * h + h) + 2 * (i * h + i) + (h * i + h);
        long merger = h + (4 * h * 4 * h + 4 * h) + (out * 4 * h + out);
        return h * 3 * 2 * 14 * 14 + 32 * block + merger;
    }

    @Test
    void sevenBillionBaseHolds8Point29BillionValues() {
        QwenTextConfig text = new QwenTextConfig(152_064, 3584, 18_944, 28, 28, 4, 1e-6, 1e6, new int[] {16, 24, 24},
                128_000, false);
        long expected = text(152_064, 3584, 18_944, 28, 28, 4, false) + visionCount(3584);
        assertEquals(8_292_166_656L, expected);
        assertEquals(expected, QwenTensorLayout.of(QwenFamily.QWEN2_5_VL, text, vision(3584)).parameterCount());
    }

    @Test
    void threeBillionBaseHolds3Point75BillionValues() {
        QwenTextConfig text = new QwenTextConfig(151_936, 2048, 11_008, 36, 16, 2, 1e-6, 1e6, new int[] {16, 24, 24},
                128_000, true);
        long expected = text(151_936, 2048, 11_008, 36, 16, 2, true) + visionCount(2048);
        assertEquals(3_754_622_976L, expected);
        assertEquals(expected, QwenTensorLayout.of(QwenFamily.QWEN2_5_VL, text, vision(2048)).parameterCount());
    }
}
