package visq.gpu.image.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** One named float32 weight tensor of a TF.js model, dequantised, in the layout the manifest declares. */
public final class TfjsWeight {

    private final String name;
    private final int[] shape;
    private final float[] values;

    TfjsWeight(String name, int[] shape, float[] values) {
        long size = elementCount(shape);
        if (size != values.length) {
            throw new IllegalArgumentException(
                    "weight " + name + " of shape " + Arrays.toString(shape) + " needs " + size + " values, got "
                            + values.length);
        }
        this.name = name;
        this.shape = shape.clone();
        this.values = values;
    }

    /** Elements in a tensor of {@code shape}; every dimension must be non-negative. */
    static long elementCount(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        return size;
    }

    public String name() {
        return name;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** How many dimensions the tensor has. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code axis}. */
    public int dimension(int axis) {
        return shape[axis];
    }

    public int size() {
        return values.length;
    }

    /** Value {@code i} in row-major order of {@link #shape()}. */
    public float valueAt(int i) {
        return values[i];
    }

    /** A copy of all values in row-major order. */
    public float[] values() {
        return values.clone();
    }

    /** The tensor as a float32 array owned by {@code manager}, same shape. */
    public NDArray toNDArray(NDManager manager) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return manager.create(values, new Shape(dims));
    }

    @Override
    public String toString() {
        return "TfjsWeight[" + name + " " + Arrays.toString(shape) + "]";
    }
}
