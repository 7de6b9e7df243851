package visq.gpu.image.features;

import static visq.gpu.image.features.NetworkLayers.single;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Flatten in Keras (channels-last) order: row, column, channel. */
final class FlattenLayer implements NetworkLayer {
    private final String name;

    FlattenLayer(String name) {
        this.name = name;
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        int[] in = single(name, inputShapes);
        long size = 1;
        for (int d : in) {
            if (d < 0) {
                return new int[] {-1};
            }
            size *= d;
        }
        return new int[] {(int) size};
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        NDArray x = inputs.get(0);
        long batch = x.getShape().get(0);
        NDArray channelsLast = x.getShape().dimension() == 4 ? x.transpose(0, 2, 3, 1) : x;
        return channelsLast.reshape(batch, -1);
    }
}
