package visq.gpu.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The cosines and sines of Qwen2-VL's multimodal rotary embedding: frequency pair i of a head rotates by the
 * temporal, height or width position id as {@code mrope_section} assigns it (the first {@code s0} pairs temporal,
 * the next {@code s1} height, the last {@code s2} width), and both halves of the head use the same angles
 * (rotate-half form). Angles are formed in float32 as the reference does ({@code inv_freq} and the product), then
 * their cosine and sine taken.
 */
final class MultimodalRotary {

    private final int headDim;
    private final float[] inverseFrequencies;
    private final int[] axisOfPair;

    MultimodalRotary(QwenTextConfig config) {
        this.headDim = config.headDim();
        int pairs = headDim / 2;
        int[] section = config.mropeSection();
        if (section.length != 3 || section[0] + section[1] + section[2] != pairs) {
            throw new IllegalArgumentException("mrope_section " + java.util.Arrays.toString(section)
                    + " must have 3 parts summing to head_dim / 2 = " + pairs);
        }
        inverseFrequencies = new float[pairs];
        axisOfPair = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inverseFrequencies[i] = 1.0f / (float) Math.pow(config.ropeTheta(), exponent);
            axisOfPair[i] = i < section[0] ? 0 : i < section[0] + section[1] ? 1 : 2;
        }
    }

    /**
     * {@code [rows, 1, length, headDim]} cosines and sines for position ids {@code positions[axis][row * length + i]}.
     */
    NDArray[] cosSin(NDManager scope, long[][] positions, int rows, int length) {
        int pairs = headDim / 2;
        float[] cos = new float[rows * length * headDim];
        float[] sin = new float[cos.length];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < length; t++) {
                int token = r * length + t;
                int base = token * headDim;
                for (int i = 0; i < pairs; i++) {
                    float angle = (float) positions[axisOfPair[i]][token] * inverseFrequencies[i];
                    float c = (float) Math.cos(angle);
                    float s = (float) Math.sin(angle);
                    cos[base + i] = c;
                    cos[base + pairs + i] = c;
                    sin[base + i] = s;
                    sin[base + pairs + i] = s;
                }
            }
        }
        Shape shape = new Shape(rows, 1, length, headDim);
        return new NDArray[] {scope.create(cos, shape), scope.create(sin, shape)};
    }
}
