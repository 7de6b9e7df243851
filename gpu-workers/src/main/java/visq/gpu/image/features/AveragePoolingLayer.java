package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.featureMap;
import static visq.gpu.image.features.NetworkLayers.validExtent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/** AveragePooling2D with 'valid' padding. */
final class AveragePoolingLayer implements NetworkLayer {
    private final String name;
    private final int[] pool;
    private final int[] strides;

    private AveragePoolingLayer(String name, int[] pool, int[] strides) {
        this.name = name;
        this.pool = pool;
        this.strides = strides;
    }

    static AveragePoolingLayer of(String name, LayerConfig config) {
        int[] pool = config.pair("pool_size", new int[] {2, 2});
        int[] strides = config.pair("strides", pool);
        String padding = config.string("padding", "valid");
        if (!padding.equals("valid")) {
            throw new IllegalArgumentException("layer " + name + " has padding " + padding
                    + "; average pooling supports valid only");
        }
        return new AveragePoolingLayer(name, pool, strides);
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        int[] in = featureMap(name, inputShapes);
        return new int[] {validExtent(name, in[0], pool[0], strides[0]), validExtent(name, in[1], pool[1],
                strides[1]), in[2]};
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        return Pool.avgPool2d(inputs.get(0), new Shape(pool[0], pool[1]), new Shape(strides[0], strides[1]),
                new Shape(0, 0), false, true);
    }
}
