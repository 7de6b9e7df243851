package visq.gpu.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import visq.gpu.generation.AttentionCache;
import visq.gpu.generation.PreallocatedKvCache;
import visq.gpu.image.ImageTensor;
import visq.gpu.ndarray.ScalarArrays;
import visq.gpu.tasks.PolicyPrompt;

/**
 * The compact model's forward pass over given weights: the embedded sequence (image patches, statistics tokens, task
 * token, text), the pre-norm causal transformer (optionally appending to an {@link AttentionCache}), a one-token decode
 * step over a {@link PreallocatedKvCache} and the head. Pure: it owns no arrays; everything it creates is attached to
 * the inputs' managers.
 */
final class CompactTransformer {

    private static final float NORM_EPS = 1e-5f;
    private static final float MASKED = -1e9f;

    private final CompactModelConfig config;

    CompactTransformer(CompactModelConfig config) {
        this.config = config;
    }

    /**
     * {@code [rows, imageTokens + statistics tokens + 1 + length, dModel]}: the prompt of each row followed by {@code length} text ids
     * (row-major in {@code textIds}), the first of which is {@code <bos>}. All rows have the same image count.
     */
    NDArray embedSequence(NDManager scope, CompactWeights w, List<PolicyPrompt> rows, long[] textIds, int length) {
        int count = rows.size();
        int images = rows.get(0).images().size();
        int perImage = config.patchesPerImage();
        int imageTokens = images * perImage;
        int patchValues = config.patchValues();
        int d = config.dModel();
        float[] patches = patchRows(rows);
        long[] tasks = new long[count];
        for (int r = 0; r < count; r++) {
            tasks[r] = rows.get(r).task().ordinal();
        }
        NDArray imagePositions = w.patchPosition
                .reshape(1, perImage, d)
                .add(w.imageSlot.get("0:{}", images).reshape(images, 1, d))
                .reshape(imageTokens, d);
        NDArray imageEmbedding = scope.create(patches, new Shape(count, imageTokens, patchValues))
                .matMul(w.patchWeight)
                .add(w.patchBias)
                .add(imagePositions);
        NDArray taskEmbedding = w.taskEmbedding
                .get(scope.create(tasks))
                .add(w.positionEmbedding.get("0:1"))
                .reshape(count, 1, d);
        NDArray textEmbedding = w.tokenEmbedding
                .get(scope.create(textIds, new Shape(count, length)))
                .add(w.positionEmbedding.get("1:{}", 1 + length));
        if (w.statisticsWeight != null) {
            imageEmbedding = imageEmbedding.concat(statisticsEmbedding(scope, w, rows), 1);
        }
        return NDArrays.concat(new NDList(imageEmbedding, taskEmbedding, textEmbedding), 1);
    }

    /** {@code [rows, images, dModel]}: one token per image from its statistics, after all patch tokens. */
    private NDArray statisticsEmbedding(NDManager scope, CompactWeights w, List<PolicyPrompt> rows) {
        int count = rows.size();
        int images = rows.get(0).images().size();
        int perImage = config.imageStatistics();
        NDArray statistics = scope.create(statisticsRows(rows), new Shape(count, images, perImage));
        NDArray inputs = statistics;
        if (w.qualityPriorWeight != null) {
            // the frozen read-out, one more input value per image
            NDArray prior = statistics.matMul(w.qualityPriorWeight.reshape(perImage, 1)).add(w.qualityPriorBias);
            inputs = inputs.concat(prior, 2);
        }
        if (w.degradationPriorWeight != null) {
            // the frozen per-label read-outs, after the quality prior
            inputs = inputs.concat(statistics.matMul(w.degradationPriorWeight).add(w.degradationPriorBias), 2);
        }
        return inputs
                .matMul(w.statisticsWeight)
                .add(w.statisticsBias)
                .add(w.statisticsPosition)
                .add(w.imageSlot.get("0:{}", images));
    }

    /**
     * {@code [rows, images × patchesPerImage, patchValues]} row-major: every image's patches as {@link #writePatches}
     * lays them out, the images of a row in order. All rows have the same image count.
     */
    float[] patchRows(List<PolicyPrompt> rows) {
        int images = rows.get(0).images().size();
        int perImage = config.patchesPerImage();
        int patchValues = config.patchValues();
        float[] patches = new float[rows.size() * images * perImage * patchValues];
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < images; i++) {
                writePatches(rows.get(r).images().get(i), patches, ((r * images + i) * perImage) * patchValues);
            }
        }
        return patches;
    }

    /** {@code [rows, images, imageStatistics]} row-major: each image's statistics vector. */
    float[] statisticsRows(List<PolicyPrompt> rows) {
        int images = rows.get(0).images().size();
        int perImage = config.imageStatistics();
        float[] statistics = new float[rows.size() * images * perImage];
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < images; i++) {
                ImageTensor image = rows.get(r).images().get(i);
                for (int k = 0; k < perImage; k++) {
                    statistics[(r * images + i) * perImage + k] = image.statisticAt(k);
                }
            }
        }
        return statistics;
    }

    /**
     * Image patches as rows: patch index row-major over the grid; per patch the RGB values scaled to [-1, 1], then
     * the local detail magnitude (|pixel − mean of its 4 neighbours|, ×4) and the gradient magnitude
     * (|∂x| + |∂y|, ×2) of each channel. The two magnitude maps are fixed non-linear features a linear patch
     * projection cannot compute itself; they make noise, blur and block artefacts visible to the encoder.
     */
    private void writePatches(ImageTensor image, float[] out, int offset) {
        int p = config.patchSize();
        int height = image.height();
        int width = image.width();
        float[] values = image.toFloats();
        float[][] maps = {new float[values.length], new float[values.length], new float[values.length]};
        for (int c = 0; c < ImageTensor.CHANNELS; c++) {
            int base = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = base + y * width + x;
                    float v = values[at];
                    float up = values[base + Math.max(0, y - 1) * width + x];
                    float down = values[base + Math.min(height - 1, y + 1) * width + x];
                    float left = values[base + y * width + Math.max(0, x - 1)];
                    float right = values[base + y * width + Math.min(width - 1, x + 1)];
                    maps[0][at] = v * 2f - 1f;
                    maps[1][at] = 4f * Math.abs(v - (up + down + left + right) / 4f);
                    maps[2][at] = 2f * (Math.abs(right - left) + Math.abs(down - up)) / 2f;
                }
            }
        }
        int columns = width / p;
        int gridRows = height / p;
        int at = offset;
        for (int gy = 0; gy < gridRows; gy++) {
            for (int gx = 0; gx < columns; gx++) {
                for (float[] map : maps) {
                    for (int c = 0; c < ImageTensor.CHANNELS; c++) {
                        for (int y = 0; y < p; y++) {
                            int row = (c * height + gy * p + y) * width + gx * p;
                            System.arraycopy(map, row, out, at, p);
                            at += p;
                        }
                    }
                }
            }
        }
        assert at == offset + gridRows * columns * config.patchValues();
    }

    /** The residual stream after every block; appends to {@code cache} when given (else attends within x only). */
    NDArray transformer(CompactWeights w, NDArray x, AttentionCache cache) {
        long rows = x.getShape().get(0);
        long length = x.getShape().get(1);
        long offset = cache == null ? 0 : cache.length();
        int d = config.dModel();
        int heads = config.heads();
        int headDim = config.headDim();
        Shape normShape = new Shape(d);
        NDArray mask = length > 1 ? causalMask(x.getManager(), length, offset) : null;
        NDArray scale = ScalarArrays.of(x.getManager(), 1.0 / Math.sqrt(headDim));
        NDArray h = x;
        for (int l = 0; l < config.layers(); l++) {
            CompactWeights.LayerWeights lw = w.layers.get(l);
            NDArray normed = LayerNorm.layerNorm(h, normShape, lw.attentionNormGamma, lw.attentionNormBeta, NORM_EPS)
                    .singletonOrThrow();
            NDList qkv = normed.matMul(lw.qkvWeight).add(lw.qkvBias).split(3, 2);
            NDArray q = splitHeads(qkv.get(0), rows, length, heads, headDim);
            NDArray k = splitHeads(qkv.get(1), rows, length, heads, headDim);
            NDArray v = splitHeads(qkv.get(2), rows, length, heads, headDim);
            if (cache != null) {
                NDArray[] full = cache.append(l, k, v);
                k = full[0];
                v = full[1];
            }
            NDArray scores = q.mul(scale).matMul(k.transpose(0, 1, 3, 2));
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray attended = scores.softmax(3).matMul(v).transpose(0, 2, 1, 3).reshape(rows, length, d);
            h = h.add(attended.matMul(lw.outWeight).add(lw.outBias));
            NDArray mlpIn = LayerNorm.layerNorm(h, normShape, lw.mlpNormGamma, lw.mlpNormBeta, NORM_EPS)
                    .singletonOrThrow();
            NDArray up = Activation.gelu(mlpIn.matMul(lw.upWeight).add(lw.upBias));
            h = h.add(up.matMul(lw.downWeight).add(lw.downBias));
        }
        return h;
    }

    /**
     * {@link #transformer} for one new position per row ({@code x} is {@code [rows, 1, dModel]}): the same operations
     * on the same values in the same order (CompactDecodeStepTest checks that the logits are the same bits), in fewer
     * calls and copies: heads are split by one reshape (with one position, the transpose that {@link #splitHeads}
     * needs moves nothing), keys and values go into the preallocated cache as one packed copy and attention reads
     * views of it instead of a fresh concatenation of the whole cache, and bias and residual additions happen in place.
     * {@code x} is updated in place and returned; {@code scale} is the {@code 1/sqrt(headDim)} scalar.
     */
    NDArray decodeStep(CompactWeights w, NDArray x, PreallocatedKvCache cache, NDArray scale) {
        long rows = x.getShape().get(0);
        int d = config.dModel();
        int heads = config.heads();
        int headDim = config.headDim();
        Shape normShape = new Shape(d);
        NDArray h = x;
        for (int l = 0; l < config.layers(); l++) {
            CompactWeights.LayerWeights lw = w.layers.get(l);
            NDArray normed = LayerNorm.layerNorm(h, normShape, lw.attentionNormGamma, lw.attentionNormBeta, NORM_EPS)
                    .singletonOrThrow();
            // [3, rows, heads, 1, headDim]: q, k, v
            NDArray qkv = normed.matMul(lw.qkvWeight)
                    .addi(lw.qkvBias)
                    .reshape(rows, 3, heads, 1, headDim)
                    .transpose(1, 0, 2, 3, 4);
            NDArray q = qkv.get(qkv.getManager(), 0);
            NDArray[] full = cache.appendPacked(l, JniUtils.slice((PtNDArray) qkv, 0, 1, 3, 1));
            NDArray scores = q.mul(scale).matMul(full[0]); // keys come transposed
            NDArray attended = scores.softmax(3).matMul(full[1]).reshape(rows, 1, d);
            h.addi(attended.matMul(lw.outWeight).addi(lw.outBias));
            NDArray mlpIn = LayerNorm.layerNorm(h, normShape, lw.mlpNormGamma, lw.mlpNormBeta, NORM_EPS)
                    .singletonOrThrow();
            NDArray up = Activation.gelu(mlpIn.matMul(lw.upWeight).addi(lw.upBias));
            h.addi(up.matMul(lw.downWeight).addi(lw.downBias));
        }
        return h;
    }

    private static NDArray splitHeads(NDArray x, long rows, long length, int heads, int headDim) {
        return x.reshape(rows, length, heads, headDim).transpose(0, 2, 1, 3);
    }

    /** {@code [length, offset + length]}: 0 where query i (at offset + i) may see key j, a large negative elsewhere. */
    private static NDArray causalMask(NDManager scope, long length, long offset) {
        int rows = Math.toIntExact(length);
        int columns = Math.toIntExact(offset + length);
        float[] mask = new float[rows * columns];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                if (j > offset + i) {
                    mask[i * columns + j] = MASKED;
                }
            }
        }
        return scope.create(mask, new Shape(rows, columns));
    }

    NDArray logits(CompactWeights w, NDArray hidden) {
        return LayerNorm.layerNorm(hidden, new Shape(config.dModel()), w.finalNormGamma, w.finalNormBeta, NORM_EPS)
                .singletonOrThrow()
                .matMul(w.headWeight);
    }
}
