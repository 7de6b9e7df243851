package visq.gpu.model.qwen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import visq.gpu.model.checkpoint.CheckpointTensors;
import visq.gpu.model.checkpoint.InvalidCheckpointException;

/**
 * A Qwen2-VL / Qwen2.5-VL checkpoint directory as Hugging Face publishes it, read and validated in full before
 * any model is built: config.json (either layout, {@link QwenCheckpointConfig}), preprocessor_config.json,
 * generation_config.json (optional), tokenizer.json (its special-token ids checked against config.json) and the
 * safetensors weights (one file or shards with model.safetensors.index.json), whose names and shapes must be
 * exactly those {@link QwenTensorLayout} expects. Only headers are read here; {@link #openTensors()} gives the
 * weights. Immutable; holds no open file.
 */
public final class QwenCheckpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";
    public static final String GENERATION_FILE = "generation_config.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** transformers' OPENAI_CLIP_MEAN, the image processor's default mean. */
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** transformers' OPENAI_CLIP_STD, the image processor's default standard deviation. */
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final Path directory;
    private final QwenCheckpointConfig config;
    private final QwenImageProcessorConfig imageProcessor;
    private final QwenGenerationConfig generation;
    private final QwenSpecialTokens specialTokens;
    private final QwenTensorLayout layout;

    private QwenCheckpoint(Path directory, QwenCheckpointConfig config, QwenImageProcessorConfig imageProcessor,
            QwenGenerationConfig generation, QwenSpecialTokens specialTokens, QwenTensorLayout layout) {
        this.directory = directory;
        this.config = config;
        this.imageProcessor = imageProcessor;
        this.generation = generation;
        this.specialTokens = specialTokens;
        this.layout = layout;
    }

    /**
     * Reads and validates checkpoint directory {@code directory}.
     *
     * @throws InvalidCheckpointException naming the file and the field or tensors of the first problem found
     *     (all tensor problems together in one message)
     */
    public static QwenCheckpoint read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidCheckpointException("checkpoint directory " + directory + " does not exist");
        }
        Path configFile = directory.resolve(CONFIG_FILE);
        QwenCheckpointConfig config = QwenCheckpointConfig.read(configFile);
        QwenImageProcessorConfig imageProcessor = readImageProcessor(directory.resolve(PREPROCESSOR_FILE));
        checkAgainstVision(imageProcessor, config.vision(), directory.resolve(PREPROCESSOR_FILE));
        QwenGenerationConfig generation = QwenGenerationConfig.read(directory.resolve(GENERATION_FILE), config);
        QwenTokenizerVocabulary vocabulary = QwenTokenizerVocabulary.read(directory.resolve(TOKENIZER_FILE));
        QwenSpecialTokens specialTokens =
                QwenSpecialTokens.resolve(config.specialTokenIds(), configFile.toString(), vocabulary);
        if (vocabulary.size() > config.text().vocabSize()) {
            throw new InvalidCheckpointException(String.format(Locale.ROOT,
                    "%s has %d ids but %s gives vocab_size = %d: the embedding has no row for the largest ids",
                    vocabulary.file(), vocabulary.size(), configFile, config.text().vocabSize()));
        }
        QwenTensorLayout layout = QwenTensorLayout.of(config);
        try (CheckpointTensors tensors = CheckpointTensors.open(directory)) {
            layout.validate(tensors);
        }
        return new QwenCheckpoint(directory, config, imageProcessor, generation, specialTokens, layout);
    }

    /**
     * Reads preprocessor_config.json at {@code file}: {@code min_pixels}/{@code max_pixels} (or, as transformers
     * 5 writes them, {@code size.shortest_edge}/{@code size.longest_edge}; {@code min_pixels}/{@code max_pixels}
     * win when both are present, as in transformers), {@code patch_size}, {@code temporal_patch_size},
     * {@code merge_size}, {@code image_mean}, {@code image_std}; transformers' defaults for absent fields. A
     * processing step switched off ({@code do_resize}, {@code do_rescale}, {@code do_normalize},
     * {@code do_convert_rgb} false) or a rescale factor other than 1/255 is refused.
     */
    public static QwenImageProcessorConfig readImageProcessor(Path file) {
        QwenCheckpointJson json = QwenCheckpointJson.read(file);
        for (String step : new String[] {"do_resize", "do_rescale", "do_normalize", "do_convert_rgb"}) {
            if (!json.booleanOr(step, true)) {
                throw json.error(step, "is not supported: Visq always performs this step, as Qwen does");
            }
        }
        double rescale = json.doubleOr("rescale_factor", 1.0 / 255.0);
        if (Math.abs(rescale - 1.0 / 255.0) > 1e-12) {
            throw json.error("rescale_factor", "is not supported: pixels are rescaled by 1/255");
        }
        Optional<QwenCheckpointJson> size = json.optionalObject("size");
        long minPixels = json.longOr("min_pixels", size.map(s -> s.longOr("shortest_edge", 56 * 56)).orElse(56L * 56));
        long maxPixels = json.longOr("max_pixels",
                size.map(s -> s.longOr("longest_edge", 28L * 28 * 1280)).orElse(28L * 28 * 1280));
        if (minPixels <= 0 || maxPixels < minPixels) {
            throw new InvalidCheckpointException(file + ": min_pixels = " + minPixels + " and max_pixels = "
                    + maxPixels + " do not satisfy 0 < min_pixels <= max_pixels");
        }
        float[] mean = json.optionalFloatArray("image_mean").orElse(CLIP_MEAN);
        float[] std = json.optionalFloatArray("image_std").orElse(CLIP_STD);
        if (mean.length != 3) {
            throw json.error("image_mean", "must hold 3 values, one per channel");
        }
        if (std.length != 3) {
            throw json.error("image_std", "must hold 3 values, one per channel");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw json.error("image_std", "must be positive");
            }
        }
        return new QwenImageProcessorConfig(minPixels, maxPixels, json.positiveIntOr("patch_size", 14),
                json.positiveIntOr("temporal_patch_size", 2), json.positiveIntOr("merge_size", 2), mean, std);
    }

    private static void checkAgainstVision(QwenImageProcessorConfig processor, QwenVisionConfig vision, Path file) {
        check(processor.patchSize(), vision.patchSize(), "patch_size", "patch_size", file);
        check(processor.temporalPatchSize(), vision.temporalPatchSize(), "temporal_patch_size",
                "temporal_patch_size", file);
        check(processor.mergeSize(), vision.spatialMergeSize(), "merge_size", "spatial_merge_size", file);
    }

    private static void check(int processorValue, int visionValue, String field, String visionField, Path file) {
        if (processorValue != visionValue) {
            throw new InvalidCheckpointException(file + ": " + field + " = " + processorValue
                    + " differs from config.json's vision_config." + visionField + " = " + visionValue);
        }
    }

    /** Opens the weights (validated against {@link #layout()} again, in case files changed since). */
    public CheckpointTensors openTensors() {
        CheckpointTensors tensors = CheckpointTensors.open(directory);
        try {
            layout.validate(tensors);
            return tensors;
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /** The checkpoint directory. */
    public Path directory() {
        return directory;
    }

    /** Everything config.json says. */
    public QwenCheckpointConfig config() {
        return config;
    }

    /** The architecture. */
    public QwenFamily family() {
        return config.family();
    }

    /** The decoder. */
    public QwenTextConfig text() {
        return config.text();
    }

    /** The vision tower. */
    public QwenVisionConfig vision() {
        return config.vision();
    }

    /** The image processor (preprocessor_config.json). */
    public QwenImageProcessorConfig imageProcessor() {
        return imageProcessor;
    }

    /** The generation defaults (generation_config.json, or config.json's ids). */
    public QwenGenerationConfig generation() {
        return generation;
    }

    /** The special-token ids, consistent between config.json and tokenizer.json. */
    public QwenSpecialTokens specialTokens() {
        return specialTokens;
    }

    /** The expected tensors, which the weights match. */
    public QwenTensorLayout layout() {
        return layout;
    }

    /** The tokenizer.json file ({@link QwenTokenizer#load(Path)}). */
    public Path tokenizerFile() {
        return directory.resolve(TOKENIZER_FILE);
    }
}
