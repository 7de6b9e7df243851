package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;

/** Element-wise sum of equally shaped inputs. */
final class AddLayer implements NetworkLayer {
    private final String name;

    AddLayer(String name) {
        this.name = name;
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        if (inputShapes.size() < 2) {
            throw new IllegalArgumentException("layer " + name + " adds at least two inputs, got "
                    + inputShapes.size());
        }
        for (int[] shape : inputShapes) {
            if (!Arrays.equals(shape, inputShapes.get(0))) {
                throw new IllegalArgumentException("layer " + name + " adds inputs of different shapes "
                        + Arrays.toString(inputShapes.get(0)) + " and " + Arrays.toString(shape));
            }
        }
        return inputShapes.get(0).clone();
    }

    @Override
    public NDArray apply(List<NDArray> inputs) {
        NDArray sum = inputs.get(0).add(inputs.get(1));
        for (int i = 2; i < inputs.size(); i++) {
            sum = sum.add(inputs.get(i));
        }
        return sum;
    }
}
