package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.featureMap;
import static visq.gpu.image.features.NetworkLayers.pad;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** ZeroPadding2D: zeros added around the feature map, {@code [[top, bottom], [left, right]]}. */
final class ZeroPaddingLayer implements NetworkLayer {
    private final String name;
    private final int[][] padding;

    ZeroPaddingLayer(String name, int[][] padding) {
        this.name = name;
        this.padding = padding;
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        int[] in = featureMap(name, inputShapes);
        return new int[] {
            in[0] < 0 ? -1 : in[0] + padding[0][0] + padding[0][1],
            in[1] < 0 ? -1 : in[1] + padding[1][0] + padding[1][1],
            in[2]};
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        return pad(inputs.get(0), padding[0][0], padding[0][1], padding[1][0], padding[1][1]);
    }
}
