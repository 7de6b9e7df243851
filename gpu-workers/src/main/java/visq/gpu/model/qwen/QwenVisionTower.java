package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import visq.gpu.ndarray.ScalarArrays;

/**
 * The vision tower of Qwen2-VL and Qwen2.5-VL as Hugging Face transformers implements it, written functionally over
 * float32 NDArrays that a lookup supplies by their published tensor names ({@code visual.blocks.0.attn.qkv.weight},
 * ...). The tower holds no copy of the weights and records no gradient of its own (the base model is frozen).
 *
 * <h2>Forward pass</h2>
 * <ol>
 *   <li>Patch embedding: the {@code Conv3d} with kernel = stride = (T, P, P) and no bias, as a product of each
 *       patch row ({@code C·T·P·P} values in the processor's channel, frame, row, column order) with the kernel
 *       flattened to {@code [hidden, C·T·P·P]}.</li>
 *   <li>Qwen2.5-VL only: the merge units are put in window order ({@link VisionWindows}), their rotary positions
 *       with them.</li>
 *   <li>{@code depth} pre-norm blocks: {@code h += proj(attention(norm1(h)))}, {@code h += mlp(norm2(h))}. Qwen2-VL:
 *       LayerNorm (eps 1e-6) and {@code fc2(act(fc1(x)))}; Qwen2.5-VL: RMSNorm (eps 1e-6) and
 *       {@code down(act(gate(x)) * up(x))}, all projections with biases. Attention: fused {@code qkv} with bias,
 *       2-D rotary on queries and keys ({@link VisionRotary}), scores scaled by {@code 1/sqrt(headDim)}, softmax in
 *       float32, block-diagonal: within one frame of one image for the full-attention blocks (every block of
 *       Qwen2-VL), within one window for the others.</li>
 *   <li>Merger: {@code ln_q} on each patch (LayerNorm in Qwen2-VL, RMSNorm in Qwen2.5-VL), {@code merge²}
 *       consecutive rows concatenated, {@code Linear → GELU (erf) → Linear} to {@code outHiddenSize}; Qwen2.5-VL
 *       then puts the merged tokens back in processor order.</li>
 * </ol>
 *
 * <h2>Memory</h2>
 * Every call works in sub-managers of the caller's {@code scope}, one per block, each closed as soon as its output
 * exists; only the returned arrays stay, attached to {@code scope}. The weight lookup is called at the start of a
 * call, once per tensor; the arrays it returns are used, never attached, reshaped in place or closed.
 */
public final class QwenVisionTower {

    private static final float NORM_EPS = 1e-6f;
    private static final float QUICK_GELU_SCALE = 1.702f;

    private final QwenFamily family;
    private final QwenVisionConfig config;
    private final QwenVisionTensors tensors;
    private final VisionRotary rotary;
    private final boolean[] fullAttention;
    private final String activation;

    /**
     * A tower of {@code family} shaped by {@code config}, reading its tensors from {@code weights} (published name →
     * float32 array, {@code null} when absent) at every call.
     */
    public QwenVisionTower(QwenFamily family, QwenVisionConfig config, Function<String, NDArray> weights) {
        this.family = Objects.requireNonNull(family, "family");
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weights, "weights");
        config.requireSupportedBy(family);
        this.tensors = new QwenVisionTensors(family, config, weights);
        this.rotary = new VisionRotary(config.headDim());
        this.fullAttention = new boolean[config.depth()];
        if (family == QwenFamily.QWEN2_VL) {
            Arrays.fill(fullAttention, true);
        } else {
            for (int block : config.fullAttentionBlocks()) {
                fullAttention[block] = true;
            }
        }
        this.activation = config.hiddenAct();
    }

    /** The family this tower implements. */
    public QwenFamily family() {
        return family;
    }

    /** The configuration this tower implements. */
    public QwenVisionConfig config() {
        return config;
    }

    /**
     * The tensors a tower of {@code family} and {@code config} reads, by published name, with their shapes (PyTorch
     * layout: a linear weight is {@code [out, in]}), in checkpoint order.
     */
    public static Map<String, Shape> expectedTensors(QwenFamily family, QwenVisionConfig config) {
        return QwenVisionTensors.expected(family, config);
    }

    /** Merged tokens the tower returns for {@code grids}: the sum of their patches over {@code merge²}. */
    public int mergedTokens(List<VisionGrid> grids) {
        int tokens = 0;
        for (VisionGrid grid : grids) {
            tokens += grid.mergedTokens(config.spatialMergeSize());
        }
        return tokens;
    }

    /**
     * The merged tokens {@code [patches / merge², outHiddenSize]} of one image, attached to {@code scope}.
     *
     * @param pixelValues the image's patch rows as the image processor flattens them,
     *     {@code [grid.patches(), C·T·P·P]} row-major
     */
    public NDArray embed(NDManager scope, float[] pixelValues, VisionGrid grid) {
        return embed(scope, pixelValues, List.of(grid));
    }

    /**
     * The merged tokens of several images in one pass, their patch rows concatenated in {@code grids} order;
     * attention never crosses from one image (or frame) to another. Rows of the result follow the same order: image
     * {@code i} owns {@code grids.get(i).mergedTokens(merge)} consecutive rows.
     */
    public NDArray embed(NDManager scope, float[] pixelValues, List<VisionGrid> grids) {
        return run(scope, pixelValues, grids, false).embeddings();
    }

    /** {@link #embed(NDManager, float[], List)} that also returns the hidden states after every block. */
    public Trace trace(NDManager scope, float[] pixelValues, List<VisionGrid> grids) {
        return run(scope, pixelValues, grids, true);
    }

    /**
     * What a traced call returns, every array attached to the caller's scope, rows in processor order (the window
     * order of Qwen2.5-VL undone), as transformers' fixtures record them.
     *
     * @param embeddings the merged tokens {@code [patches / merge², outHiddenSize]}
     * @param patchEmbeddings the patch embedding {@code [patches, hiddenSize]} that enters the first block
     * @param blockOutputs {@code [patches, hiddenSize]} after block {@code k} at index {@code k}
     */
    public record Trace(NDArray embeddings, NDArray patchEmbeddings, List<NDArray> blockOutputs) {

        public Trace {
            blockOutputs = List.copyOf(blockOutputs);
        }
    }

    // ------------------------------------------------------------------------------------------------ forward

    private Trace run(NDManager scope, float[] pixelValues, List<VisionGrid> grids, boolean keepBlockOutputs) {
        Objects.requireNonNull(scope, "scope");
        int patches = requireInput(pixelValues, grids);
        int merge = config.spatialMergeSize();
        int unit = merge * merge;
        int[] positions = VisionRotary.positions(grids, merge);
        float[] rows = pixelValues;
        int[] restoreOrder = null;
        int[] windowBoundaries = null;
        if (family == QwenFamily.QWEN2_5_VL) {
            VisionWindows windows = VisionWindows.of(grids, merge, config.windowSize(), config.patchSize());
            int[] order = windows.unitOrder();
            rows = VisionWindows.reorderUnits(pixelValues, config.patchValues(), unit, order);
            positions = VisionWindows.reorderUnits(positions, 2, unit, order);
            restoreOrder = windows.inverseUnitOrder();
            windowBoundaries = windows.windowBoundaries();
        }
        int[] imageBoundaries = VisionWindows.imageBoundaries(grids);
        VisionRotary.Tables tables = rotary.tables(positions);
        Map<String, NDArray> w = tensors.fetch(scope);

        List<NDArray> kept = new ArrayList<>();
        try (NDManager work = scope.newSubManager()) {
            NDArray restoreIndex = restoreOrder == null ? null : work.create(toLongs(restoreOrder));
            Shape tableShape = new Shape(patches, 1, config.headDim());
            NDArray cos = work.create(tables.cos(), tableShape);
            NDArray sin = work.create(tables.sin(), tableShape);
            NDArray hidden;
            try (NDManager step = work.newSubManager()) {
                NDArray kernel = w.get("visual.patch_embed.proj.weight").reshape(config.hiddenSize(), config.patchValues());
                kernel.attach(step);
                hidden = linear(step.create(rows, new Shape(patches, config.patchValues())), kernel, null);
                hidden.attach(work);
            }
            if (keepBlockOutputs) {
                kept.add(keep(scope, hidden, restoreIndex));
            }
            for (int b = 0; b < config.depth(); b++) {
                int[] boundaries = fullAttention[b] ? imageBoundaries : windowBoundaries;
                try (NDManager step = work.newSubManager()) {
                    hidden.attach(step);
                    NDArray next = block(step, w, "visual.blocks." + b + ".", hidden, cos, sin, boundaries);
                    next.attach(work);
                    hidden = next;
                }
                if (keepBlockOutputs) {
                    kept.add(keep(scope, hidden, restoreIndex));
                }
            }
            try (NDManager step = work.newSubManager()) {
                hidden.attach(step);
                NDArray merged = merger(step, w, hidden);
                if (restoreIndex != null) {
                    merged = merged.get(restoreIndex);
                }
                merged.attach(scope);
                return keepBlockOutputs
                        ? new Trace(merged, kept.get(0), kept.subList(1, kept.size()))
                        : new Trace(merged, null, List.of());
            }
        } catch (RuntimeException e) {
            for (NDArray array : kept) {
                array.close();
            }
            throw e;
        }
    }

    /** A copy of {@code hidden} in processor order, attached to {@code scope}; its intermediates freed. */
    private static NDArray keep(NDManager scope, NDArray hidden, NDArray restoreIndex) {
        try (NDManager copies = scope.newSubManager()) {
            NDArray copy = hidden.duplicate();
            copy.attach(copies);
            NDArray ordered = restoreIndex == null
                    ? copy
                    : copy.reshape(restoreIndex.size(), -1).get(restoreIndex).reshape(hidden.getShape());
            ordered.attach(scope);
            return ordered;
        }
    }

    /** One pre-norm block; every array it creates descends from {@code hidden}, which {@code step} owns. */
    private NDArray block(
            NDManager step,
            Map<String, NDArray> w,
            String prefix,
            NDArray hidden,
            NDArray cos,
            NDArray sin,
            int[] boundaries) {
        NDArray attended = attention(step, w, prefix + "attn.", norm(w, prefix + "norm1", hidden), cos, sin, boundaries);
        NDArray afterAttention = hidden.add(attended);
        return afterAttention.add(mlp(step, w, prefix + "mlp.", norm(w, prefix + "norm2", afterAttention)));
    }

    private NDArray attention(
            NDManager step,
            Map<String, NDArray> w,
            String prefix,
            NDArray x,
            NDArray cos,
            NDArray sin,
            int[] boundaries) {
        long rows = x.getShape().get(0);
        int heads = config.heads();
        int headDim = config.headDim();
        NDArray qkv = linear(x, w.get(prefix + "qkv.weight"), w.get(prefix + "qkv.bias")).reshape(rows, 3, heads, headDim);
        NDArray q = rotate(qkv.get(":, 0"), cos, sin);
        NDArray k = rotate(qkv.get(":, 1"), cos, sin);
        NDArray v = qkv.get(":, 2");
        NDArray scale = ScalarArrays.of(step, 1.0 / Math.sqrt(headDim));
        NDList parts = new NDList();
        int segment = 0;
        while (segment < boundaries.length - 1) {
            // consecutive segments of equal length are attended to as one batch
            int length = boundaries[segment + 1] - boundaries[segment];
            int count = 1;
            while (segment + count < boundaries.length - 1
                    && boundaries[segment + count + 1] - boundaries[segment + count] == length) {
                count++;
            }
            int start = boundaries[segment];
            int end = boundaries[segment + count];
            NDArray qs = heads(q.get("{}:{}", start, end), count, length);
            NDArray ks = heads(k.get("{}:{}", start, end), count, length);
            NDArray vs = heads(v.get("{}:{}", start, end), count, length);
            NDArray weightsOfKeys = qs.matMul(ks.transpose(0, 1, 3, 2)).mul(scale).softmax(3);
            parts.add(weightsOfKeys.matMul(vs).transpose(0, 2, 1, 3).reshape((long) count * length, config.hiddenSize()));
            segment += count;
        }
        NDArray attended = parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0);
        return linear(attended, w.get(prefix + "proj.weight"), w.get(prefix + "proj.bias"));
    }

    /** {@code [count * length, heads, headDim]} rows as {@code [count, heads, length, headDim]}. */
    private NDArray heads(NDArray rows, int count, int length) {
        return rows.reshape(count, length, config.heads(), config.headDim()).transpose(0, 2, 1, 3);
    }

    /** {@code x * cos + rotate_half(x) * sin} over the last axis of {@code [rows, heads, headDim]}. */
    private static NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(2, 2);
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 2);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private NDArray mlp(NDManager step, Map<String, NDArray> w, String prefix, NDArray x) {
        if (family == QwenFamily.QWEN2_VL) {
            NDArray inner = activate(step, linear(x, w.get(prefix + "fc1.weight"), w.get(prefix + "fc1.bias")));
            return linear(inner, w.get(prefix + "fc2.weight"), w.get(prefix + "fc2.bias"));
        }
        NDArray gate = activate(step, linear(x, w.get(prefix + "gate_proj.weight"), w.get(prefix + "gate_proj.bias")));
        NDArray up = linear(x, w.get(prefix + "up_proj.weight"), w.get(prefix + "up_proj.bias"));
        return linear(gate.mul(up), w.get(prefix + "down_proj.weight"), w.get(prefix + "down_proj.bias"));
    }

    private NDArray activate(NDManager step, NDArray x) {
        switch (activation) {
            case "silu":
                return x.mul(Activation.sigmoid(x));
            case "quick_gelu":
                return x.mul(Activation.sigmoid(x.mul(ScalarArrays.of(step, QUICK_GELU_SCALE))));
            case "gelu":
                return Activation.gelu(x);
            default:
                throw new IllegalStateException("unchecked activation " + activation);
        }
    }

    private NDArray merger(NDManager step, Map<String, NDArray> w, NDArray hidden) {
        long rows = hidden.getShape().get(0);
        long unit = (long) config.spatialMergeSize() * config.spatialMergeSize();
        NDArray grouped = norm(w, "visual.merger.ln_q", hidden).reshape(rows / unit, unit * config.hiddenSize());
        NDArray inner = Activation.gelu(linear(grouped, w.get("visual.merger.mlp.0.weight"), w.get("visual.merger.mlp.0.bias")));
        return linear(inner, w.get("visual.merger.mlp.2.weight"), w.get("visual.merger.mlp.2.bias"));
    }

    /** LayerNorm with bias (Qwen2-VL) or RMSNorm (Qwen2.5-VL) over the last axis, eps 1e-6. */
    private NDArray norm(Map<String, NDArray> w, String prefix, NDArray x) {
        NDArray gamma = w.get(prefix + ".weight");
        if (family == QwenFamily.QWEN2_VL) {
            return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), gamma, w.get(prefix + ".bias"), NORM_EPS)
                    .singletonOrThrow();
        }
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        NDArray eps = ScalarArrays.of(x.getManager(), NORM_EPS);
        return x.div(meanSquare.add(eps).sqrt()).mul(gamma);
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        NDList out = bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias);
        return out.singletonOrThrow();
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** The patch rows of {@code pixelValues} after checking them against the config and {@code grids}. */
    private int requireInput(float[] pixelValues, List<VisionGrid> grids) {
        Objects.requireNonNull(pixelValues, "pixelValues");
        Objects.requireNonNull(grids, "grids");
        if (grids.isEmpty()) {
            throw new IllegalArgumentException("no image grid given: the vision tower needs at least one image");
        }
        for (VisionGrid grid : grids) {
            grid.requireMergeable(config.spatialMergeSize());
        }
        int width = config.patchValues();
        if (pixelValues.length % width != 0) {
            throw new IllegalArgumentException("pixel_values holds " + pixelValues.length
                    + " floats, not whole patch rows of C·T·P·P = " + config.inChannels() + "·"
                    + config.temporalPatchSize() + "·" + config.patchSize() + "·" + config.patchSize() + " = " + width);
        }
        int rows = pixelValues.length / width;
        int expected = VisionGrid.totalPatches(grids);
        if (rows != expected) {
            throw new IllegalArgumentException("pixel_values has " + rows + " patch rows of " + width
                    + ", the grids " + grids + " need " + expected);
        }
        return rows;
    }
}
