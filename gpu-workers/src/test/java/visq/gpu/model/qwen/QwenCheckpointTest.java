package visq.gpu.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import visq.gpu.model.checkpoint.CheckpointTensors;
import visq.gpu.model.checkpoint.InvalidCheckpointException;
import visq.gpu.model.checkpoint.SafetensorsFile;
import visq.gpu.model.checkpoint.SafetensorsWriter;

/**
 * Reading the fixtures' checkpoints (tools/qwen-reference/make_fixtures.py: tiny models saved by transformers 5,
 * and the same models' config in the published layout, config-published.json), and every way a checkpoint can be
 * refused, each with its message.
 */
class QwenCheckpointTest {

    @TempDir
    Path dir;

    private static InvalidCheckpointException refused(Path checkpoint, String... fragments) {
        InvalidCheckpointException error =
                assertThrows(InvalidCheckpointException.class, () -> QwenCheckpoint.read(checkpoint));
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment),
                    () -> "expected '" + fragment + "' in: " + error.getMessage());
        }
        return error;
    }

    // ---- reading ----

    @Test
    void readsTheQwen25Fixture() {
        QwenCheckpoint checkpoint = QwenCheckpoint.read(QwenCheckpointFixtures.checkpoint("qwen2_5_vl"));
        // qwen2_5_vl/checkpoint/config.json
        assertEquals(QwenFamily.QWEN2_5_VL, checkpoint.family());
        QwenTextConfig text = checkpoint.text();
        assertEquals(512, text.vocabSize());
        assertEquals(64, text.hiddenSize());
        assertEquals(128, text.intermediateSize());
        assertEquals(2, text.layers());
        assertEquals(4, text.heads());
        assertEquals(2, text.keyValueHeads());
        assertEquals(1e-6, text.rmsNormEps());
        assertEquals(1_000_000.0, text.ropeTheta());
        assertArrayEquals(new int[] {2, 3, 3}, text.mropeSection());
        assertEquals(4096, text.maxPositionEmbeddings());
        assertFalse(text.tieWordEmbeddings());
        QwenVisionConfig vision = checkpoint.vision();
        assertEquals(3, vision.depth());
        assertEquals(32, vision.hiddenSize());
        assertEquals(2, vision.heads());
        assertEquals(64, vision.intermediateSize());
        assertEquals(14, vision.patchSize());
        assertEquals(2, vision.temporalPatchSize());
        assertEquals(2, vision.spatialMergeSize());
        assertEquals(3, vision.inChannels());
        assertEquals(64, vision.outHiddenSize());
        assertEquals(56, vision.windowSize());
        assertArrayEquals(new int[] {1}, vision.fullAttentionBlocks());
        assertEquals("silu", vision.hiddenAct());
        assertEquals(new QwenSpecialTokens(510, 511, 507, 508, 499, 500, 498), checkpoint.specialTokens());
        assertTrue(checkpoint.layout().contains("lm_head.weight"));
    }

    @Test
    void readsTheQwen2Fixture() {
        QwenCheckpoint checkpoint = QwenCheckpoint.read(QwenCheckpointFixtures.checkpoint("qwen2_vl"));
        // qwen2_vl/checkpoint/config.json: vision embed_dim 32, mlp_ratio 4, hidden_size (merger output) 64
        assertEquals(QwenFamily.QWEN2_VL, checkpoint.family());
        assertTrue(checkpoint.text().tieWordEmbeddings());
        assertFalse(checkpoint.layout().contains("lm_head.weight"));
        QwenVisionConfig vision = checkpoint.vision();
        assertEquals(32, vision.hiddenSize());
        assertEquals(128, vision.intermediateSize());
        assertEquals(64, vision.outHiddenSize());
        assertEquals(0, vision.windowSize());
        assertArrayEquals(new int[] {0, 1, 2}, vision.fullAttentionBlocks());
        assertEquals("quick_gelu", vision.hiddenAct());
    }

    @Test
    void preprocessorAndGenerationConfigsOfTheFixtures() {
        for (String variant : QwenCheckpointFixtures.VARIANTS) {
            QwenCheckpoint checkpoint = QwenCheckpoint.read(QwenCheckpointFixtures.checkpoint(variant));
            // <variant>/checkpoint/preprocessor_config.json
            QwenImageProcessorConfig processor = checkpoint.imageProcessor();
            assertEquals(3136, processor.minPixels(), variant);
            assertEquals(25600, processor.maxPixels(), variant);
            assertEquals(14, processor.patchSize());
            assertEquals(2, processor.temporalPatchSize());
            assertEquals(2, processor.mergeSize());
            assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, processor.imageMean());
            assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, processor.imageStd());
            // <variant>/checkpoint/generation_config.json
            assertEquals(new QwenGenerationConfig(new int[] {500, 498}, OptionalInt.of(498), OptionalInt.of(498), true,
                    OptionalDouble.of(0.1), OptionalInt.of(1), OptionalDouble.of(0.001), OptionalDouble.of(1.05),
                    OptionalInt.empty()), checkpoint.generation(), variant);
        }
    }

    @Test
    void bothConfigLayoutsGiveTheSameModel() {
        for (String variant : QwenCheckpointFixtures.VARIANTS) {
            QwenCheckpointConfig transformers5 =
                    QwenCheckpointConfig.read(QwenCheckpointFixtures.checkpoint(variant).resolve("config.json"));
            QwenCheckpointConfig published =
                    QwenCheckpointConfig.read(QwenCheckpointFixtures.resource(variant + "/config-published.json"));
            assertEquals(transformers5.family(), published.family(), variant);
            assertTrue(QwenCheckpointRecords.equal(transformers5.text(), published.text()),
                    () -> variant + ": " + QwenCheckpointRecords.describe(transformers5.text()) + " vs "
                            + QwenCheckpointRecords.describe(published.text()));
            assertTrue(QwenCheckpointRecords.equal(transformers5.vision(), published.vision()),
                    () -> variant + ": " + QwenCheckpointRecords.describe(transformers5.vision()) + " vs "
                            + QwenCheckpointRecords.describe(published.vision()));
            assertEquals(transformers5.specialTokenIds(), published.specialTokenIds(), variant);
            assertArrayEquals(transformers5.eosTokenIds(), published.eosTokenIds(), variant);
            assertEquals(transformers5.bosTokenId(), published.bosTokenId(), variant);
            // the one difference: transformers 5 writes text_config.pad_token_id, the published layout has none
            assertEquals(OptionalInt.of(498), transformers5.padTokenId());
            assertEquals(OptionalInt.empty(), published.padTokenId());
            assertEquals(QwenTensorLayout.of(transformers5).names(), QwenTensorLayout.of(published).names());
        }
    }

    @Test
    void layoutIsExactlyTheTensorsTransformersSaved() {
        for (String variant : QwenCheckpointFixtures.VARIANTS) {
            // golden.json checkpoint_tensors: the names and shapes in the saved checkpoint
            Map<String, Object> golden =
                    QwenCheckpointFixtures.json(QwenCheckpointFixtures.resource(variant + "/golden.json"));
            @SuppressWarnings("unchecked")
            Map<String, Object> saved = (Map<String, Object>) ((Map<String, Object>) golden.get("checkpoint_tensors"))
                    .get("tensors");
            QwenTensorLayout layout = QwenCheckpoint.read(QwenCheckpointFixtures.checkpoint(variant)).layout();
            assertEquals(new TreeMap<>(saved).keySet().stream().toList(), layout.names(), variant);
            for (String name : layout.names()) {
                assertArrayEquals(QwenTokenizerTest.ints(saved.get(name)),
                        Arrays.stream(layout.shape(name)).mapToInt(Math::toIntExact).toArray(), name);
            }
        }
    }

    @Test
    void sizeShortestAndLongestEdgeAsTransformers5WritesThem() throws IOException {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"size\": {\"shortest_edge\": 3136, \"longest_edge\": 12845056},"
                + " \"patch_size\": 14, \"temporal_patch_size\": 2, \"merge_size\": 2}");
        QwenImageProcessorConfig processor = QwenCheckpoint.readImageProcessor(file);
        assertEquals(3136, processor.minPixels());
        assertEquals(12845056, processor.maxPixels());
        // transformers' OPENAI_CLIP_MEAN / OPENAI_CLIP_STD defaults
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, processor.imageMean());
        assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, processor.imageStd());
        // min_pixels / max_pixels override size, as in Qwen2VLImageProcessor.__init__
        Files.writeString(file, "{\"size\": {\"shortest_edge\": 3136, \"longest_edge\": 12845056},"
                + " \"min_pixels\": 784, \"max_pixels\": 50176}");
        processor = QwenCheckpoint.readImageProcessor(file);
        assertEquals(784, processor.minPixels());
        assertEquals(50176, processor.maxPixels());
    }

    @Test
    void withoutGenerationConfigTheIdsComeFromConfigJson() throws IOException {
        Path checkpoint = QwenCheckpointFixtures.copy("qwen2_vl", dir);
        Files.delete(checkpoint.resolve("generation_config.json"));
        QwenGenerationConfig generation = QwenCheckpoint.read(checkpoint).generation();
        // qwen2_vl/checkpoint/config.json text_config: eos_token_id 500, bos_token_id 498, pad_token_id 498
        assertArrayEquals(new int[] {500}, generation.eosTokenIds());
        assertEquals(OptionalInt.of(498), generation.bosTokenId());
        assertEquals(OptionalInt.of(498), generation.padTokenId());
        assertFalse(generation.doSample());
        assertEquals(OptionalDouble.empty(), generation.temperature());
    }

    @Test
    void openTensorsGivesTheValidatedWeights() {
        QwenCheckpoint checkpoint = QwenCheckpoint.read(QwenCheckpointFixtures.checkpoint("qwen2_5_vl"));
        try (CheckpointTensors tensors = checkpoint.openTensors()) {
            assertEquals(checkpoint.layout().names(), tensors.names());
        }
    }

    // ---- refusals: tensors ----

    @Test
    void missingExtraAndMisShapedTensorsAreListedInOneMessage() {
        Path checkpoint = QwenCheckpointFixtures.copy("qwen2_vl", dir);
        Path weights = checkpoint.resolve("model.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        try (SafetensorsFile original = SafetensorsFile.open(weights)) {
            for (String name : original.names()) {
                if (name.equals("model.norm.weight") || name.equals("visual.blocks.1.mlp.fc2.bias")) {
                    continue; // missing
                }
                float[] values = original.floats(name);
                long[] shape = original.header(name).shape();
                if (name.equals("model.layers.1.self_attn.k_proj.weight")) {
                    shape = new long[] {shape[1], shape[0]}; // mis-shaped: [64, 32] instead of [32, 64]
                }
                writer.addFloats(name, shape, values);
            }
        }
        writer.addFloats("lm_head.weight", new long[] {512, 64}, new float[512 * 64]); // extra: the head is tied
        writer.write(weights);
        InvalidCheckpointException error = refused(checkpoint,
                "checkpoint " + checkpoint + " does not match its config.json (qwen2_vl):",
                "2 missing: model.norm.weight [64], visual.blocks.1.mlp.fc2.bias [32];",
                "1 mis-shaped: model.layers.1.self_attn.k_proj.weight is [64, 32], expected [32, 64];",
                "1 extra: lm_head.weight [512, 64];");
        assertEquals(1, error.getMessage().split("does not match").length - 1);
    }

    @Test
    void anIntegerTensorAmongTheWeights() {
        Path checkpoint = QwenCheckpointFixtures.copy("qwen2_vl", dir);
        Path weights = checkpoint.resolve("model.safetensors");
        // rewrite the header's dtype of one F32 tensor to I32 (same element size, so the file stays consistent)
        QwenCheckpointFixtures.rewrite(weights, "\"model.norm.weight\":{\"dtype\":\"F32\"",
                "\"model.norm.weight\":{\"dtype\":\"I32\"");
        refused(checkpoint, "model.norm.weight is I32, expected a floating dtype");
    }

    @Test
    void aShardedIndexPointingAtAMissingFile() throws IOException {
        Path checkpoint = QwenCheckpointFixtures.copy("qwen2_5_vl", dir);
        Files.delete(checkpoint.resolve("model-00002-of-00004.safetensors"));
        refused(checkpoint, checkpoint.resolve("model.safetensors.index.json") + " maps tensor '",
                "to shard " + checkpoint.toAbsolutePath().resolve("model-00002-of-00004.safetensors")
                        + ", which is missing");
    }

    // ---- refusals: configuration ----

    private Path withConfig(String variant, String from, String to) {
        Path checkpoint = QwenCheckpointFixtures.copy(variant, dir);
        QwenCheckpointFixtures.rewrite(checkpoint.resolve("config.json"), from, to);
        return checkpoint;
    }

    @Test
    void unknownModelType() {
        Path checkpoint = withConfig("qwen2_5_vl", "\"model_type\": \"qwen2_5_vl\"", "\"model_type\": \"llava\"");
        refused(checkpoint, checkpoint.resolve("config.json") + ": model_type = \"llava\" is not supported:"
                + " Visq reads qwen2_vl and qwen2_5_vl checkpoints");
    }

    @Test
    void unsupportedRopeType() {
        Path checkpoint = withConfig("qwen2_5_vl", "\"rope_type\": \"default\"", "\"rope_type\": \"yarn\"");
        refused(checkpoint, checkpoint.resolve("config.json") + ": text_config.rope_parameters.rope_type = \"yarn\""
                + " is not supported");
    }

    @Test
    void unsupportedRopeTypeInThePublishedLayout() throws IOException {
        Path config = dir.resolve("config.json");
        Files.copy(QwenCheckpointFixtures.resource("qwen2_vl/config-published.json"), config);
        QwenCheckpointFixtures.rewrite(config, "\"type\": \"mrope\"", "\"type\": \"dynamic\"");
        InvalidCheckpointException error =
                assertThrows(InvalidCheckpointException.class, () -> QwenCheckpointConfig.read(config));
        assertTrue(error.getMessage().startsWith(config + ": rope_scaling.type = \"dynamic\" is not supported"),
                error.getMessage());
    }

    @Test
    void slidingWindowAttention() {
        Path checkpoint = withConfig("qwen2_vl", "\"use_sliding_window\": false", "\"use_sliding_window\": true");
        refused(checkpoint, "text_config.use_sliding_window = true is not supported");
    }

    @Test
    void slidingLayerTypes() {
        Path checkpoint = withConfig("qwen2_vl", "\"full_attention\",\n      \"full_attention\"",
                "\"full_attention\",\n      \"sliding_attention\"");
        refused(checkpoint, "text_config.layer_types = [\"full_attention\",\"sliding_attention\"] is not supported");
    }

    @Test
    void unknownDecoderActivation() {
        Path checkpoint = withConfig("qwen2_5_vl", "\"hidden_act\": \"silu\",\n    \"hidden_size\": 64",
                "\"hidden_act\": \"gelu_new\",\n    \"hidden_size\": 64");
        refused(checkpoint, "text_config.hidden_act = \"gelu_new\" is not supported: the Qwen2 decoder implements silu");
    }

    @Test
    void unknownVisionActivation() {
        Path checkpoint = withConfig("qwen2_vl", "\"hidden_act\": \"quick_gelu\"", "\"hidden_act\": \"gelu\"");
        refused(checkpoint, "vision_config.hidden_act = \"gelu\" is not supported: Qwen2-VL's vision MLP is"
                + " implemented with quick_gelu");
    }

    @Test
    void attentionDropoutAndQuantization() {
        Path dropout = withConfig("qwen2_vl", "\"attention_dropout\": 0.0", "\"attention_dropout\": 0.1");
        refused(dropout, "text_config.attention_dropout = 0.1 is not supported");
        Path quantized = QwenCheckpointFixtures.copy("qwen2_5_vl", dir.resolve("q"));
        QwenCheckpointFixtures.rewrite(quantized.resolve("config.json"), "\"dtype\": \"float32\"",
                "\"dtype\": \"float32\", \"quantization_config\": {\"quant_method\": \"awq\"}");
        refused(quantized, "quantization_config = {\"quant_method\":\"awq\"} is not supported");
    }

    @Test
    void inconsistentDimensions() {
        Path section = withConfig("qwen2_5_vl", "\"mrope_section\": [\n        2,", "\"mrope_section\": [\n        3,");
        refused(section, "text_config.rope_parameters.mrope_section = [3,3,3] must be three non-negative counts"
                + " summing to head_dim / 2 = 8");
        Path out = QwenCheckpointFixtures.copy("qwen2_5_vl", dir.resolve("o"));
        QwenCheckpointFixtures.rewrite(out.resolve("config.json"), "\"out_hidden_size\": 64", "\"out_hidden_size\": 48");
        refused(out, "vision_config.out_hidden_size = 48 differs from the decoder's hidden_size = 64");
        Path heads = QwenCheckpointFixtures.copy("qwen2_vl", dir.resolve("h"));
        QwenCheckpointFixtures.rewrite(heads.resolve("config.json"), "\"num_key_value_heads\": 2",
                "\"num_key_value_heads\": 3");
        refused(heads, "text_config.num_key_value_heads = 3 does not divide text_config.num_attention_heads = 4");
        Path missing = QwenCheckpointFixtures.copy("qwen2_vl", dir.resolve("m"));
        QwenCheckpointFixtures.rewrite(missing.resolve("config.json"), "\"vocab_size\": 512", "\"vocab_sz\": 512");
        refused(missing, missing.resolve("config.json") + ": required field text_config.vocab_size is missing");
    }

    @Test
    void specialTokenIdsThatDisagreeWithTheTokenizer() {
        Path checkpoint = withConfig("qwen2_vl", "\"image_token_id\": 510", "\"image_token_id\": 509");
        refused(checkpoint, checkpoint.resolve("config.json") + ": image_token_id = 509 but "
                + checkpoint.resolve("tokenizer.json") + " gives <|image_pad|> the id 510");
    }

    @Test
    void preprocessorThatDisagreesOrSwitchesAStepOff() throws IOException {
        Path patch = QwenCheckpointFixtures.copy("qwen2_vl", dir);
        QwenCheckpointFixtures.rewrite(patch.resolve("preprocessor_config.json"), "\"patch_size\": 14",
                "\"patch_size\": 16");
        refused(patch, patch.resolve("preprocessor_config.json") + ": patch_size = 16 differs from config.json's"
                + " vision_config.patch_size = 14");
        Path normalize = QwenCheckpointFixtures.copy("qwen2_vl", dir.resolve("n"));
        QwenCheckpointFixtures.rewrite(normalize.resolve("preprocessor_config.json"), "\"merge_size\": 2,",
                "\"merge_size\": 2, \"do_normalize\": false,");
        refused(normalize, "do_normalize = false is not supported");
        Path absent = QwenCheckpointFixtures.copy("qwen2_vl", dir.resolve("a"));
        Files.delete(absent.resolve("preprocessor_config.json"));
        refused(absent, "checkpoint file " + absent.resolve("preprocessor_config.json") + " is missing");
    }

    @Test
    void badJsonAndBadGenerationValues() {
        Path broken = withConfig("qwen2_vl", "\"depth\": 3,", "\"depth\": 3,,");
        refused(broken, broken.resolve("config.json") + " is not valid JSON");
        Path temperature = QwenCheckpointFixtures.copy("qwen2_vl", dir.resolve("t"));
        QwenCheckpointFixtures.rewrite(temperature.resolve("generation_config.json"), "\"temperature\": 0.1",
                "\"temperature\": 0");
        refused(temperature, temperature.resolve("generation_config.json") + ": temperature = 0 must be positive");
        Path fractional = QwenCheckpointFixtures.copy("qwen2_vl", dir.resolve("f"));
        QwenCheckpointFixtures.rewrite(fractional.resolve("config.json"), "\"depth\": 3,", "\"depth\": 2.5,");
        refused(fractional, "vision_config.depth = 2.5 is not an integer");
    }

    @Test
    void missingDirectoryAndWeights() throws IOException {
        refused(dir.resolve("absent"), "checkpoint directory " + dir.resolve("absent") + " does not exist");
        Path noWeights = QwenCheckpointFixtures.copy("qwen2_vl", dir);
        Files.delete(noWeights.resolve("model.safetensors"));
        refused(noWeights, "has neither model.safetensors.index.json nor any *.safetensors file");
    }
}
