package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Adapter layouts, and the snapshot sizes they give at the published Qwen2.5-VL shapes. */
class LoraAdaptersTest {

    private static final List<String> ATTENTION = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    /**
     * Qwen/Qwen2.5-VL-7B-Instruct config.json (published): hidden_size 3584, intermediate_size 18944,
     * num_hidden_layers 28, num_attention_heads 28, num_key_value_heads 4 (head dim 128). Rank 64 on q, k, v, o:
     * per layer 64·(3584+3584) + 2·64·(3584+512) + 64·(3584+3584) = 1,441,792 values; × 28 layers = 40,370,176
     * float32 values = 161,480,704 bytes.
     */
    @Test
    void theSevenBillionAdapterOfRank64Is161MegabytesInFloat32() {
        QwenTextConfig seven = new QwenTextConfig(152_064, 3584, 18_944, 28, 28, 4, 1e-6, 1e6,
                new int[] {16, 24, 24}, 128_000, false);
        LoraAdapters adapters = new LoraAdapters(seven, new LoraSettings(64, 128, 0, ATTENTION, 1));
        assertEquals(40_370_176L, adapters.parameterCount());
        assertEquals(28 * 8, adapters.names().size());
    }

    /**
     * Qwen/Qwen2.5-VL-3B-Instruct config.json (published): hidden_size 2048, intermediate_size 11008,
     * num_hidden_layers 36, num_attention_heads 16, num_key_value_heads 2 (head dim 128). Rank 64 on q, k, v, o:
     * per layer 64·4096 + 2·64·2304 + 64·4096 = 819,200; × 36 = 29,491,200 values = 117,964,800 bytes.
     */
    @Test
    void theThreeBillionAdapterOfRank64Is118MegabytesInFloat32() {
        QwenTextConfig three = new QwenTextConfig(151_936, 2048, 11_008, 36, 16, 2, 1e-6, 1e6,
                new int[] {16, 24, 24}, 128_000, true);
        LoraAdapters adapters = new LoraAdapters(three, new LoraSettings(64, 128, 0, ATTENTION, 1));
        assertEquals(29_491_200L, adapters.parameterCount());
    }

    @Test
    void namesFollowThePublishedModulePathsWithAThenB() {
        QwenTextConfig tiny = new QwenTextConfig(512, 64, 128, 2, 4, 2, 1e-6, 1e6, new int[] {2, 3, 3}, 4096, false);
        LoraAdapters adapters = new LoraAdapters(tiny, new LoraSettings(4, 8, 0, List.of("k_proj", "down_proj"), 1));
        assertEquals(List.of(
                "model.layers.0.self_attn.k_proj.lora_A.weight", "model.layers.0.self_attn.k_proj.lora_B.weight",
                "model.layers.0.mlp.down_proj.lora_A.weight", "model.layers.0.mlp.down_proj.lora_B.weight",
                "model.layers.1.self_attn.k_proj.lora_A.weight", "model.layers.1.self_attn.k_proj.lora_B.weight",
                "model.layers.1.mlp.down_proj.lora_A.weight", "model.layers.1.mlp.down_proj.lora_B.weight"),
                adapters.names());
        // k_proj: in 64, out kv heads 2 x head dim 16 = 32; down_proj: in 128, out 64
        assertEquals(List.of(4L, 64L), List.of(adapters.shapes().get(0).get(0), adapters.shapes().get(0).get(1)));
        assertEquals(List.of(32L, 4L), List.of(adapters.shapes().get(1).get(0), adapters.shapes().get(1).get(1)));
        assertEquals(List.of(4L, 128L), List.of(adapters.shapes().get(2).get(0), adapters.shapes().get(2).get(1)));
    }

    @Test
    void settingsRefuseWhatTheyCannotMean() {
        assertMessage(() -> new LoraSettings(0, 8, 0, ATTENTION, 1), "rank");
        assertMessage(() -> new LoraSettings(4, -1, 0, ATTENTION, 1), "alpha");
        assertMessage(() -> new LoraSettings(4, 8, 1.0, ATTENTION, 1), "dropout");
        assertMessage(() -> new LoraSettings(4, 8, 0, List.of("qkv"), 1), "qkv");
        assertMessage(() -> new LoraSettings(4, 8, 0, List.of(), 1), "target");
        assertMessage(() -> new LoraSettings(4, 8, 0, List.of("q_proj", "q_proj"), 1), "twice");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable action, String mentioned) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(mentioned), e.getMessage());
    }
}
