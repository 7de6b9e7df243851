package visq.gpu.model;

import ai.djl.Device;
import java.util.List;
import visq.gpu.image.DegradationEstimates;
import visq.gpu.image.EstimatesImagePreparation;
import visq.gpu.image.ImagePreparation;
import visq.gpu.image.ImagePreprocessor;
import visq.gpu.image.features.MobileNetFeatures;
import visq.gpu.image.features.MobileNetImagePreparation;
import visq.gpu.json.FlatJsonObject;
import visq.gpu.json.MalformedJsonException;

/**
 * The shape of a compact vision-language policy and the seed of its version-0 weights.
 *
 * <p>Images are {@code viewSize} high and {@code 2 * viewSize} wide (two square views side by side, as
 * {@code visq.gpu.image} prepares them); each is cut into {@code patchSize x patchSize} patches, one image token
 * per patch. {@code maxSequence} bounds the whole sequence: image tokens, the task token, {@code <bos>} and the
 * response. A prompt that does not fit is rejected, never truncated (method.md §3).
 *
 * @param modelId identifies the architecture family and vocabulary; weights only load into the same id
 * @param viewSize image height in pixels (width is twice this)
 * @param patchSize side of a square patch in pixels; divides {@code viewSize}
 * @param dModel width of the residual stream; divisible by {@code heads}
 * @param layers number of transformer blocks
 * @param heads attention heads per block
 * @param ffDim hidden width of the MLP
 * @param maxSequence the longest sequence (prompt plus response) the model accepts
 * @param initSeed seed of the deterministic version-0 initialisation
 * @param imageStatistics how many {@link visq.gpu.image.ImageStatistics} each image carries into the model, one
 *     extra image token per image (0: pixels only; {@link visq.gpu.image.ImageStatistics#COUNT} to use them), the
 *     pretrained image features included
 * @param imageFeatures further image features in the statistics token: {@link #NO_IMAGE_FEATURES},
 *     {@link #MOBILENET_FEATURES} (frozen MobileNetV2 features, {@link MobileNetImagePreparation}, after the
 *     statistics), {@link #ESTIMATES_FEATURES} ({@link visq.gpu.image.DegradationEstimates}, after the statistics) or
 *     {@link #MOBILENET_AND_ESTIMATES_FEATURES} (both, MobileNetV2's first); {@code imageStatistics} counts them
 * @param qualityPrior {@link #NO_QUALITY_PRIOR}, or {@link #RIDGE_QUALITY_PRIOR}: a frozen linear read-out of each
 *     image's statistics token inputs (fit by ridge regression to the training split's MOS when a run starts,
 *     carried in every weight snapshot, never trained) is appended to those inputs as one more value
 * @param degradationPrior {@link #NO_DEGRADATION_PRIOR}, or {@link #RIDGE_DEGRADATION_PRIOR}: frozen linear read-outs
 *     of the same inputs, one per {@link CompactDegradationPrior#OUTPUTS} label (fit by ridge regression to the
 *     training split's degradation labels when a run starts, carried in every snapshot, never trained), appended
 *     after the quality prior
 */
public record CompactModelConfig(
        String modelId,
        int viewSize,
        int patchSize,
        int dModel,
        int layers,
        int heads,
        int ffDim,
        int maxSequence,
        long initSeed,
        int imageStatistics,
        String imageFeatures,
        String qualityPrior,
        String degradationPrior) implements PolicyModelConfig {

    /** The {@code visq.model.kind} of the compact model. */
    public static final String KIND = "compact";

    /** {@code imageFeatures}: none. */
    public static final String NO_IMAGE_FEATURES = "none";

    /** {@code imageFeatures}: frozen MobileNetV2 features pooled over the whole image and five crops. */
    public static final String MOBILENET_FEATURES = "mobilenet";

    /** {@code imageFeatures}: the {@link visq.gpu.image.DegradationEstimates} of the image at native resolution. */
    public static final String ESTIMATES_FEATURES = "estimates";

    /** {@code imageFeatures}: the MobileNetV2 features, then the degradation estimates. */
    public static final String MOBILENET_AND_ESTIMATES_FEATURES = "mobilenet-and-estimates";

    private static final List<String> IMAGE_FEATURES = List.of(NO_IMAGE_FEATURES, MOBILENET_FEATURES,
            ESTIMATES_FEATURES, MOBILENET_AND_ESTIMATES_FEATURES);

    /** {@code qualityPrior}: none. */
    public static final String NO_QUALITY_PRIOR = "none";

    /** {@code qualityPrior}: a frozen ridge read-out of the statistics token inputs. */
    public static final String RIDGE_QUALITY_PRIOR = "ridge";

    /** {@code degradationPrior}: none. */
    public static final String NO_DEGRADATION_PRIOR = "none";

    /** {@code degradationPrior}: frozen ridge read-outs of the statistics token inputs, one per degradation label. */
    public static final String RIDGE_DEGRADATION_PRIOR = "ridge";

    /** The model id of {@link #compactDefault()}. */
    public static final String COMPACT_MODEL_ID = "visq-compact-vl-2";

    public CompactModelConfig {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("model config needs a model id");
        }
        requirePositive("viewSize", viewSize);
        requirePositive("patchSize", patchSize);
        requirePositive("dModel", dModel);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("ffDim", ffDim);
        requirePositive("maxSequence", maxSequence);
        if (viewSize % patchSize != 0) {
            throw new IllegalArgumentException(
                    "patchSize " + patchSize + " must divide viewSize " + viewSize);
        }
        if (imageStatistics < 0) {
            throw new IllegalArgumentException("imageStatistics must be 0 or more, got " + imageStatistics);
        }
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("heads " + heads + " must divide dModel " + dModel);
        }
        if (!IMAGE_FEATURES.contains(imageFeatures)) {
            throw new IllegalArgumentException("imageFeatures must be one of " + String.join(", ", IMAGE_FEATURES)
                    + "; got " + imageFeatures);
        }
        if (imageStatistics < imageFeatureCount(imageFeatures)) {
            throw new IllegalArgumentException("imageStatistics " + imageStatistics + " cannot hold the "
                    + imageFeatureCount(imageFeatures) + " " + imageFeatures + " features");
        }
        if (!NO_QUALITY_PRIOR.equals(qualityPrior) && !RIDGE_QUALITY_PRIOR.equals(qualityPrior)) {
            throw new IllegalArgumentException("qualityPrior must be " + NO_QUALITY_PRIOR + " or "
                    + RIDGE_QUALITY_PRIOR + ", got " + qualityPrior);
        }
        if (RIDGE_QUALITY_PRIOR.equals(qualityPrior) && imageStatistics == 0) {
            throw new IllegalArgumentException("a " + qualityPrior + " quality prior reads the image statistics: "
                    + "it needs imageStatistics above 0 (image-statistics = on)");
        }
        if (!NO_DEGRADATION_PRIOR.equals(degradationPrior) && !RIDGE_DEGRADATION_PRIOR.equals(degradationPrior)) {
            throw new IllegalArgumentException("degradationPrior must be " + NO_DEGRADATION_PRIOR + " or "
                    + RIDGE_DEGRADATION_PRIOR + ", got " + degradationPrior);
        }
        if (RIDGE_DEGRADATION_PRIOR.equals(degradationPrior) && imageStatistics == 0) {
            throw new IllegalArgumentException("a " + degradationPrior + " degradation prior reads the image "
                    + "statistics: it needs imageStatistics above 0 (image-statistics = on)");
        }
    }

    /** A configuration without a degradation prior. */
    public CompactModelConfig(String modelId, int viewSize, int patchSize, int dModel, int layers, int heads, int ffDim,
            int maxSequence, long initSeed, int imageStatistics, String imageFeatures, String qualityPrior) {
        this(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed, imageStatistics,
                imageFeatures, qualityPrior, NO_DEGRADATION_PRIOR);
    }

    /** A configuration without a quality prior. */
    public CompactModelConfig(String modelId, int viewSize, int patchSize, int dModel, int layers, int heads, int ffDim,
            int maxSequence, long initSeed, int imageStatistics, String imageFeatures) {
        this(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed, imageStatistics,
                imageFeatures, NO_QUALITY_PRIOR);
    }

    /** Whether the statistics token carries a frozen quality prior ({@link #RIDGE_QUALITY_PRIOR}). */
    public boolean hasQualityPrior() {
        return RIDGE_QUALITY_PRIOR.equals(qualityPrior);
    }

    /** Whether the statistics token carries frozen degradation read-outs ({@link #RIDGE_DEGRADATION_PRIOR}). */
    public boolean hasDegradationPrior() {
        return RIDGE_DEGRADATION_PRIOR.equals(degradationPrior);
    }

    /** Inputs of the statistics token's projection per image: the statistics, then the priors the model has. */
    public int statisticsInputs() {
        return imageStatistics + (hasQualityPrior() ? 1 : 0)
                + (hasDegradationPrior() ? CompactDegradationPrior.OUTPUTS.size() : 0);
    }

    /** A configuration without pretrained image features. */
    public CompactModelConfig(String modelId, int viewSize, int patchSize, int dModel, int layers, int heads, int ffDim,
            int maxSequence, long initSeed, int imageStatistics) {
        this(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed, imageStatistics,
                NO_IMAGE_FEATURES);
    }

    /** How many statistics values the pretrained image features {@code imageFeatures} add per image. */
    public static int imageFeatureCount(String imageFeatures) {
        return (usesMobileNet(imageFeatures) ? MobileNetImagePreparation.DEFAULT_FEATURE_COUNT : 0)
                + (usesEstimates(imageFeatures) ? DegradationEstimates.COUNT : 0);
    }

    private static boolean usesMobileNet(String imageFeatures) {
        return MOBILENET_FEATURES.equals(imageFeatures) || MOBILENET_AND_ESTIMATES_FEATURES.equals(imageFeatures);
    }

    private static boolean usesEstimates(String imageFeatures) {
        return ESTIMATES_FEATURES.equals(imageFeatures) || MOBILENET_AND_ESTIMATES_FEATURES.equals(imageFeatures);
    }

    /** A configuration without image statistics (pixels only). */
    public CompactModelConfig(String modelId, int viewSize, int patchSize, int dModel, int layers, int heads, int ffDim,
            int maxSequence, long initSeed) {
        this(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed, 0);
    }

    /** 32x64 images in 8x8 patches (32 image tokens each), 64 wide, 2 layers, 4 heads: trains on a CPU in minutes. */
    public static CompactModelConfig compactDefault() {
        return new CompactModelConfig(COMPACT_MODEL_ID, 32, 8, 64, 2, 4, 256, 512, 20_250_322L);
    }

    /** A copy with another init seed. */
    public CompactModelConfig withInitSeed(long seed) {
        return new CompactModelConfig(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, seed,
                imageStatistics, imageFeatures, qualityPrior, degradationPrior);
    }

    /** A copy that feeds {@code count} image statistics per image into the model (0: none). */
    public CompactModelConfig withImageStatistics(int count) {
        return new CompactModelConfig(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed,
                count, imageFeatures, qualityPrior, degradationPrior);
    }

    /**
     * A copy with the pretrained image features {@code features} in the statistics token, after
     * {@code statistics} image statistics (0 or {@link visq.gpu.image.ImageStatistics#COUNT}).
     */
    public CompactModelConfig withImageFeatures(String features, int statistics) {
        return new CompactModelConfig(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed,
                statistics + imageFeatureCount(features), features, qualityPrior, degradationPrior);
    }

    /** A copy with the quality prior {@code prior} ({@link #NO_QUALITY_PRIOR} or {@link #RIDGE_QUALITY_PRIOR}). */
    public CompactModelConfig withQualityPrior(String prior) {
        return new CompactModelConfig(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed,
                imageStatistics, imageFeatures, prior, degradationPrior);
    }

    /**
     * A copy with the degradation prior {@code prior} ({@link #NO_DEGRADATION_PRIOR} or
     * {@link #RIDGE_DEGRADATION_PRIOR}).
     */
    public CompactModelConfig withDegradationPrior(String prior) {
        return new CompactModelConfig(modelId, viewSize, patchSize, dModel, layers, heads, ffDim, maxSequence, initSeed,
                imageStatistics, imageFeatures, qualityPrior, prior);
    }

    /** How images must be prepared for this model: its view size, with statistics when it uses them. */
    public ImagePreprocessor.Settings preprocessing() {
        return new ImagePreprocessor.Settings(viewSize, imageStatistics > imageFeatureCount(imageFeatures));
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ImagePreparation imagePreparation() {
        ImagePreparation preparation = new ImagePreprocessor(preprocessing());
        if (usesMobileNet(imageFeatures)) {
            preparation = new MobileNetImagePreparation(preparation, MobileNetImagePreparation.sharedModel(),
                    MobileNetFeatures.Settings.defaults());
        }
        return usesEstimates(imageFeatures) ? new EstimatesImagePreparation(preparation) : preparation;
    }

    /** Always: the compact model starts without any language; the cold start teaches it the answer format. */
    @Override
    public boolean needsSupervisedColdStart() {
        return true;
    }

    @Override
    public PolicyModel newModel(Device device) {
        return CompactVisionLanguagePolicy.create(this, device);
    }

    /** Positions a sequence of {@code images} images, the task token and {@code textTokens} text tokens takes. */
    public int sequencePositions(int images, int textTokens) {
        return images * tokensPerImage() + 1 + textTokens;
    }

    /** Image tokens per image: one per patch, plus one for the statistics when the model uses them. */
    public int tokensPerImage() {
        return patchesPerImage() + (imageStatistics > 0 ? 1 : 0);
    }

    /** Image height in pixels. */
    public int imageHeight() {
        return viewSize;
    }

    /** Image width in pixels: two views side by side. */
    public int imageWidth() {
        return 2 * viewSize;
    }

    /** Image tokens per image. */
    public int patchesPerImage() {
        return (imageHeight() / patchSize) * (imageWidth() / patchSize);
    }

    /** Values per patch: RGB plus the detail and gradient magnitude maps of each channel (3 maps × 3 channels). */
    public int patchValues() {
        return 3 * 3 * patchSize * patchSize;
    }

    /** Width of one attention head. */
    public int headDim() {
        return dModel / heads;
    }

    /** A flat JSON object with one member per component, in declaration order. */
    @Override
    public String toJson() {
        return "{\"modelId\": " + quote(modelId)
                + ", \"viewSize\": " + viewSize
                + ", \"patchSize\": " + patchSize
                + ", \"dModel\": " + dModel
                + ", \"layers\": " + layers
                + ", \"heads\": " + heads
                + ", \"ffDim\": " + ffDim
                + ", \"maxSequence\": " + maxSequence
                + ", \"initSeed\": " + initSeed
                + ", \"imageStatistics\": " + imageStatistics
                + (NO_IMAGE_FEATURES.equals(imageFeatures) ? "" : ", \"imageFeatures\": " + quote(imageFeatures))
                + (hasQualityPrior() ? ", \"qualityPrior\": " + quote(qualityPrior) : "")
                + (hasDegradationPrior() ? ", \"degradationPrior\": " + quote(degradationPrior) : "")
                + "}";
    }

    /**
     * Reads what {@link #toJson()} writes: a flat object of strings and integers in any order; unknown members are
     * ignored, a missing one is an {@link IllegalArgumentException} that names it, except {@code imageStatistics},
     * which configurations written before it existed lack (they used none: 0), and {@code imageFeatures} and
     * {@code qualityPrior} and {@code degradationPrior} (absent: none).
     */
    public static CompactModelConfig fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("model config JSON is null");
        }
        FlatJsonObject members;
        try {
            members = FlatJsonObject.parse(json);
        } catch (MalformedJsonException e) {
            throw new IllegalArgumentException("model config JSON is malformed: " + e.getMessage(), e);
        }
        return new CompactModelConfig(
                members.string("modelId").orElseThrow(() -> missing("modelId", "a string")),
                intMember(members, "viewSize"),
                intMember(members, "patchSize"),
                intMember(members, "dModel"),
                intMember(members, "layers"),
                intMember(members, "heads"),
                intMember(members, "ffDim"),
                intMember(members, "maxSequence"),
                members.integer("initSeed").orElseThrow(() -> missing("initSeed", "an integer")),
                members.has("imageStatistics") ? intMember(members, "imageStatistics") : 0,
                members.has("imageFeatures")
                        ? members.string("imageFeatures").orElseThrow(() -> missing("imageFeatures", "a string"))
                        : NO_IMAGE_FEATURES,
                members.has("qualityPrior")
                        ? members.string("qualityPrior").orElseThrow(() -> missing("qualityPrior", "a string"))
                        : NO_QUALITY_PRIOR,
                members.has("degradationPrior")
                        ? members.string("degradationPrior").orElseThrow(() -> missing("degradationPrior", "a string"))
                        : NO_DEGRADATION_PRIOR);
    }

    private static int intMember(FlatJsonObject members, String name) {
        long value = members.integer(name).orElseThrow(() -> missing(name, "an integer"));
        if (value != (int) value) {
            throw new IllegalArgumentException("model config \"" + name + "\" is out of range: " + value);
        }
        return (int) value;
    }

    private static IllegalArgumentException missing(String name, String kind) {
        return new IllegalArgumentException("model config JSON lacks \"" + name + "\" as " + kind);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("model config " + name + " must be positive, got " + value);
        }
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
